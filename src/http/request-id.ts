import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Request ids are minted per request, as WorkOS does; the SDK reads them from X-Request-ID. */
export const genRequestId = (): string => randomUUID();

export function registerRequestId(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-ID', request.id);
  });
}
