import type { Db } from '../../db/open.js';
import { notFound } from '../../http/errors.js';
import type { ConnectedAccount, ConnectedAccountStore } from './store.js';

export interface ConnectedAccountService {
  get(environmentId: string, userId: string, slug: string, organizationId?: string): ConnectedAccount;
  delete(environmentId: string, userId: string, slug: string, organizationId?: string): void;
}

export function createConnectedAccountService(
  db: Db,
  accounts: ConnectedAccountStore,
  userExists: (environmentId: string, id: string) => boolean,
): ConnectedAccountService {
  const requireAccount = (environmentId: string, userId: string, slug: string, organizationId?: string) => {
    if (!userExists(environmentId, userId)) throw notFound('User', userId);
    const account = accounts.find(environmentId, userId, slug, organizationId);
    if (!account) throw notFound('Connected account', slug);
    return account;
  };
  return {
    get: requireAccount,
    delete: db.transaction((environmentId: string, userId: string, slug: string, organizationId?: string) => {
      accounts.delete(environmentId, requireAccount(environmentId, userId, slug, organizationId).id);
    }),
  };
}
