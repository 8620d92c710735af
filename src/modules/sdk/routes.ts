import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sendJsonText } from '../../http/json-text.js';
import { getRuntimeFlags } from './schemas.js';
import type { SdkService } from './service.js';

/** GET /sdk/feature-flags: the runtime client's poll, a map from slug to state and targets. */
export const sdkRoutes: FastifyPluginAsyncTypebox<{ sdk: SdkService }> = async (app, { sdk }) => {
  app.get('/sdk/feature-flags', { schema: getRuntimeFlags, config: { cacheable: true } }, (req, reply) => {
    sendJsonText(reply, sdk.runtimeFlagsJson(req.environmentId));
  });
};
