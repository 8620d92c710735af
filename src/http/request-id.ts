import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Request ids are minted per request, as WorkOS does; the SDK reads them from X-Request-ID. */
export const genRequestId = (): string => randomUUID();

export function stampRequestId(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('X-Request-ID', request.id);
}
