import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { notFound } from '../../http/errors.js';
import type { EnvironmentTime } from '../clock/service.js';
import type { Environment } from '../environments/store.js';
import { serializeUser } from '../users/serialize.js';
import { clientIdOf, environmentPublicIdOf } from './client-id.js';
import * as S from './schemas.js';
import type { AuthenticateService } from './service.js';
import type { SigningKeys } from './signing-keys.js';

interface Options {
  signIn: AuthenticateService;
  keys: SigningKeys;
  clock: EnvironmentTime;
  environmentById(id: string): Environment | undefined;
  environmentByPublicId(publicId: string): Environment | undefined;
}

const originOf = (req: FastifyRequest) => `${req.protocol}://${req.host}`;

/** Sign-in (password, refresh token, authorization code) and the JWKS its access tokens verify against. */
export const authenticateRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { signIn, keys, clock, environmentById, environmentByPublicId }) => {
  app.post('/user_management/authenticate', { schema: S.authenticate }, async (req) => {
    const publicId = environmentById(req.environmentId)!.public_id;
    // As WorkOS: the issuer names the API and the client (`…/user_management/client_…`).
    const granted = signIn.grant(req.environmentId, publicId, req.body);
    const result = await signIn.answer(req.environmentId, granted, `${originOf(req)}/user_management/${clientIdOf(publicId)}`);
    return { ...result, user: serializeUser(result.user) };
  });

  // Public, as in production: verifiers (jose's remote JWKS, the SDK's session helpers) send no key.
  app.get('/sso/jwks/:clientId', { schema: S.jsonWebKeySet, config: { public: true } }, async (req) => {
    const publicId = environmentPublicIdOf(req.params.clientId);
    const env = publicId && environmentByPublicId(publicId);
    if (!env) throw notFound('Client', req.params.clientId);
    return { keys: [keys.of(env.id, clock.now(env.id)).jwk] };
  });
};

/** Under ADMIN_PREFIX: authorization codes, which a hosted sign-in page would hand the app. */
export const authenticateAdminRoutes: FastifyPluginAsyncTypebox<{ signIn: AuthenticateService }> = async (app, { signIn }) => {
  app.post('/user_management/authorization_codes', { schema: S.createAuthorizationCode }, async (req, reply) => {
    const c = signIn.mintCode(req.environmentId, req.body);
    return reply.status(201).send({ object: 'authorization_code' as const, code: c.code, user_id: c.user_id, organization_id: c.organization_id, expires_at: c.expires_at });
  });
};
