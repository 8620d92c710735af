import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';
import { AUTH_METHODS } from './store.js';

// TypeBox mirror of the session object in the spec's users.sessions.list response (0.1.0).

export const Session = Type.Object(
  {
    object: Type.Literal('session'),
    id: Type.String(),
    impersonator: Type.Optional(Type.Object({ email: Type.String(), reason: Nullable(Type.String()) })),
    ip_address: Nullable(Type.String()),
    organization_id: Type.Optional(Type.String()),
    user_agent: Nullable(Type.String()),
    user_id: Type.String(),
    auth_method: StringEnum(AUTH_METHODS),
    status: StringEnum(['active', 'expired', 'revoked'] as const),
    expires_at: Timestamp,
    ended_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'Session' },
);
export type SessionWire = Static<typeof Session>;

export const listSessions = {
  operationId: 'UserlandUserSessionsController_list',
  tags: ['user-management.users'],
  params: Type.Object({ id: Type.String({ description: 'The unique ID of the user.' }) }),
  querystring: ListQuery,
  response: { 200: ListOf(Type.Ref('Session')), 404: ErrorBody, 422: ErrorBody },
};

export const revokeSession = {
  operationId: 'UserlandSessionsController_revokeSession',
  tags: ['user-management.authentication'],
  body: Type.Object({
    session_id: Type.String({ description: 'The session to revoke (the `sid` claim of its access tokens).' }),
    return_to: Type.Optional(Type.String({ description: 'Accepted; nothing redirects here.' })),
  }),
  response: { 200: Type.Null({ description: 'OK' }), 400: ErrorBody },
};
