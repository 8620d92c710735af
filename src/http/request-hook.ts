import type { FastifyInstance } from 'fastify';
import { unauthorized } from './errors.js';
import { stampRequestId } from './request-id.js';

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

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one onRequest hook: stamps X-Request-ID on every answer, then maps the bearer key to
 * request.environmentId or answers 401 in the WorkOS shape. One synchronous hook, not two async
 * ones: every request pays for each hook and each promise.
 */
export function registerRequestHook(app: FastifyInstance, keyOwner: (key: string) => string | undefined): void {
  app.decorateRequest('environmentId', '');
  app.addHook('onRequest', (request, reply, done) => {
    stampRequestId(request, reply);
    // Unknown routes answer 404 whatever the key, so a typo never hides behind a 401.
    if (request.is404 || request.routeOptions.config.public) return done();
    const header = request.headers.authorization;
    const match = header ? BEARER.exec(header) : null;
    const environmentId = match ? keyOwner(match[1]) : undefined;
    if (!environmentId) return done(unauthorized());
    request.environmentId = environmentId;
    done();
  });
}
