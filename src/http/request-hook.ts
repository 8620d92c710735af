import type { FastifyInstance, onRequestHookHandler, RouteOptions } from 'fastify';
import { unauthorized } from './errors.js';
import { stampRequestId } from './request-id.js';
import { routeHooks } from './route-hooks.js';

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
 * Every route gets one synchronous onRequest hook, chosen when the route is added: it stamps
 * X-Request-ID and, unless the route is public, maps the bearer key to request.environmentId or
 * answers 401 in the WorkOS shape. Unknown routes answer 404 whatever the key (their handler
 * stamps the id), so a typo never hides behind a 401.
 */
export function registerRequestHook(app: FastifyInstance, keyOwner: (key: string) => string | undefined): void {
  app.decorateRequest('environmentId', '');

  const stampOnly: onRequestHookHandler = (request, reply, done) => {
    stampRequestId(request, reply);
    done();
  };
  const stampAndAuthenticate: onRequestHookHandler = (request, reply, done) => {
    stampRequestId(request, reply);
    const header = request.headers.authorization;
    const match = header ? BEARER.exec(header) : null;
    const environmentId = match ? keyOwner(match[1]) : undefined;
    if (!environmentId) return done(unauthorized());
    request.environmentId = environmentId;
    done();
  };

  app.addHook('onRoute', (route: RouteOptions) => {
    const hook = route.config?.public ? stampOnly : stampAndAuthenticate;
    route.onRequest = [hook, ...routeHooks(route.onRequest)];
  });
}
