import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { notFound } from '../../http/errors.js';
import * as S from './schemas.js';
import type { IdentityStore } from './store.js';

/** users.identities: the OAuth accounts linked to a user, as seeded. */
export const identityRoutes: FastifyPluginAsyncTypebox<{
  identities: IdentityStore;
  userExists: (environmentId: string, id: string) => boolean;
}> = async (app, { identities, userExists }) => {
  app.get('/user_management/users/:id/identities', { schema: S.getUserIdentities }, async (req) => {
    if (!userExists(req.environmentId, req.params.id)) throw notFound('User', req.params.id);
    return identities.ofUser(req.environmentId, req.params.id).map((i) => ({ idp_id: i.idp_id, type: 'OAuth' as const, provider: i.provider }));
  });
};
