import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES } from '../../ids.js';
import type { Session, SessionStore } from './store.js';

/** A session as the API shows it: an active one past expires_at is expired. */
export type SessionView = Omit<Session, 'status'> & { status: 'active' | 'expired' | 'revoked' };

/** How long a session lasts when nothing says otherwise (not in the spec; AuthKit's default maximum session length). */
export const SESSION_TTL_MS = 30 * 86_400_000;

export interface SessionService {
  list(environmentId: string, userId: string, query: ListQuery): Page<SessionView>;
  view(environmentId: string, session: Session): SessionView;
  /** Ends the session: its refresh tokens stop working. Revoking an ended session changes nothing. */
  revoke(environmentId: string, sessionId: string): void;
}

export function createSessionService(
  db: Db,
  sessions: SessionStore,
  userExists: (environmentId: string, id: string) => boolean,
  clock: EnvironmentTime,
): SessionService {
  const view = (environmentId: string, s: Session): SessionView => ({
    ...s,
    status: s.status === 'active' && s.expires_at <= clock.now(environmentId) ? 'expired' : s.status,
  });
  return {
    list(environmentId, userId, query) {
      // spec: bad parameters answer 422 (the list has no 400).
      const req = pageRequest(query, ID_PREFIXES.session, (id) => sessions.sortKey(environmentId, id), 422);
      if (!userExists(environmentId, userId)) throw notFound('User', userId);
      return toPage(req, sessions.list(environmentId, userId, req).map((s) => view(environmentId, s)));
    },
    view,
    revoke: db.transaction((environmentId: string, sessionId: string) => {
      const session = sessions.byId(environmentId, sessionId);
      // spec: revoke answers only 200 or 400 { message }.
      if (!session) throw new ApiError(400, { message: `Session not found: '${sessionId}'.`, code: 'entity_not_found' });
      if (session.status === 'revoked') return;
      const now = clock.now(environmentId);
      sessions.update(environmentId, { ...session, status: 'revoked', ended_at: now, updated_at: now });
    }),
  };
}
