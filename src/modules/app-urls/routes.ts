import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as S from './schemas.js';
import { serializeCorsOrigin, serializeRedirectUri } from './serialize.js';
import type { AppUrlService } from './service.js';

/** The spec's two create operations for an environment's redirect URIs and CORS origins, and the CLI's homepage URL. */
export const appUrlRoutes: FastifyPluginAsyncTypebox<{ appUrls: AppUrlService }> = async (app, { appUrls }) => {
  app.post('/user_management/redirect_uris', { schema: S.createRedirectUri }, async (req, reply) =>
    reply.status(201).send(serializeRedirectUri(appUrls.createRedirectUri(req.environmentId, req.body))),
  );
  app.post('/user_management/cors_origins', { schema: S.createCorsOrigin }, async (req, reply) =>
    reply.status(201).send(serializeCorsOrigin(appUrls.createCorsOrigin(req.environmentId, req.body))),
  );
  app.put('/user_management/app_homepage_url', { schema: S.setHomepageUrl }, async (req) => ({
    url: appUrls.setHomepageUrl(req.environmentId, req.body),
  }));
};
