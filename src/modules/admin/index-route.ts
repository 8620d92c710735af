import type { FastifyInstance } from 'fastify';
import { ADMIN_PREFIX } from '../../config.js';

export interface AdminRouteEntry {
  method: string;
  path: string;
  operation_id: string | null;
  description: string | null;
}

/**
 * `GET /_flagstand/`: the admin API's routes, as registered. The start banner prints this URL,
 * so it must answer something a person (or a script) can start from. The list is collected as
 * routes register, so a module that adds admin routes appears here without being named.
 * Call before any admin route is registered.
 */
export function registerAdminIndex(app: FastifyInstance): void {
  const routes: AdminRouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(ADMIN_PREFIX + '/') || route.url === ADMIN_PREFIX + '/') return;
    const schema = (route.schema ?? {}) as { operationId?: string; description?: string; summary?: string };
    for (const method of [route.method].flat()) {
      routes.push({
        method,
        path: route.url,
        operation_id: schema.operationId ?? null,
        description: schema.summary ?? schema.description ?? null,
      });
    }
  });
  // Public like /health: it only tells what exists (every admin route still needs a key).
  app.get(ADMIN_PREFIX + '/', { config: { public: true }, schema: { hide: true } }, async () => ({
    name: 'flagstand admin API',
    description: 'Environments, reset, snapshots and flag management. Every route takes a secret key (Authorization: Bearer sk_…).',
    openapi: '/openapi.json',
    routes,
  }));
}
