import type { FastifyInstance } from 'fastify';
import { unauthorized } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The environment of the caller's secret key; every query is scoped by it. */
    environmentId: string;
  }
  interface FastifyContextConfig {
    /** Routes that answer without a key (/health, /openapi.json). */
    public?: boolean;
  }
}

/** Bearer key → request.environmentId, or a 401 in the WorkOS shape. */
export function registerAuth(app: FastifyInstance, keyOwner: (key: string) => string | undefined): void {
  app.decorateRequest('environmentId', '');
  app.addHook('onRequest', async (request) => {
    // Unknown routes answer 404 whatever the key, so a typo never hides behind a 401.
    if (request.is404 || request.routeOptions.config.public) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const environmentId = match ? keyOwner(match[1]) : undefined;
    if (!environmentId) throw unauthorized();
    request.environmentId = environmentId;
  });
}
