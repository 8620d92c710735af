import { notFound } from '../../http/errors.js';
import { ID_PREFIXES } from '../../ids.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import type { AuthorizedApplication, AuthorizedApplicationStore } from './store.js';

export interface AuthorizedApplicationService {
  list(environmentId: string, userId: string, query: ListQuery): Page<AuthorizedApplication>;
  delete(environmentId: string, userId: string, applicationId: string): void;
}

export function createAuthorizedApplicationService(
  store: AuthorizedApplicationStore,
  userExists: (environmentId: string, id: string) => boolean,
): AuthorizedApplicationService {
  const requireUser = (environmentId: string, userId: string) => {
    if (!userExists(environmentId, userId)) throw notFound('User', userId);
  };
  return {
    list(environmentId, userId, query) {
      const req = pageRequest(query, ID_PREFIXES.authorizedApplication, (id) => store.sortKey(environmentId, id), 422);
      requireUser(environmentId, userId);
      return toPage(req, store.list(environmentId, userId, req));
    },
    delete(environmentId, userId, applicationId) {
      requireUser(environmentId, userId);
      if (!store.delete(environmentId, userId, applicationId)) throw notFound('Authorized application', applicationId);
    },
  };
}
