import type { FastifyReply } from 'fastify';

/** What Fastify gives the JSON it serializes; every JSON answer of ours says the same. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Sends JSON text a route built itself (Fastify sends a string with a JSON content type as is),
 * with the content type Fastify gives the JSON it serializes. The route's response schema still
 * documents the body; the contract tests check it against the spec.
 */
export function sendJsonText(reply: FastifyReply, json: string): FastifyReply {
  return reply.type(JSON_CONTENT_TYPE).send(json);
}
