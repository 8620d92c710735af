import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sendJsonText } from '../../http/json-text.js';
import { getRuntimeFlags } from './schemas.js';
import type { SdkService } from './service.js';

/**
 * GET /sdk/feature-flags: the runtime client's poll. workos-node 12 asks `payload_version=2`
 * and reads only that; earlier versions send no parameter and read the v1 map. Any other value
 * is a 400 (the query schema), never a silent fallback.
 */
export const sdkRoutes: FastifyPluginAsyncTypebox<{ sdk: SdkService }> = async (app, { sdk }) => {
  app.get('/sdk/feature-flags', { schema: getRuntimeFlags, config: { cacheable: true } }, (req, reply) => {
    sendJsonText(reply, sdk.runtimeFlagsJson(req.environmentId, req.query.payload_version === '2' ? 2 : 1));
  });
};
