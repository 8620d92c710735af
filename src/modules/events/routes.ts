import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sendJsonText } from '../../http/json-text.js';
import * as S from './schemas.js';
import type { EventService } from './service.js';

/** GET /events: the events of the key's environment, each as its stored JSON (what webhooks deliver). */
export const eventRoutes: FastifyPluginAsyncTypebox<{ events: EventService }> = async (app, { events }) => {
  // spec: 422 for bad parameters (with `errors`), 400 for an unknown event type.
  app.get('/events', { schema: S.listEvents, config: { queryValidationStatus: 422 } }, (req, reply) => {
    const page = events.list(req.environmentId, req.query);
    const data = page.rows.map((row) => row.body).join(',');
    sendJsonText(reply, `{"object":"list","data":[${data}],"list_metadata":{"after":${JSON.stringify(page.after)}}}`);
  });
};
