import { createHash } from 'node:crypto';
import type { FastifyInstance, onResponseHookHandler, onSendHookHandler, preValidationHookHandler, RouteOptions } from 'fastify';
import type { EnvironmentTime } from '../modules/clock/service.js';
import { ApiError, badRequest } from './errors.js';
import type { IdempotencyStore } from './idempotency-store.js';
import { routeHooks } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Idempotency-Key this request claimed and must complete or release. */
    idempotencyKey: string | null;
  }
  interface FastifyContextConfig {
    /** A POST that only reads (the access check): no Idempotency-Key hooks, every answer computed afresh. */
    readOnly?: boolean;
  }
}

/** WorkOS: "Idempotency keys expire after 24 hours." */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** Stripe's limit; WorkOS documents none, and a UUID is 36. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** What makes two requests "the same": method, path with query, and body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256').update(`${method} ${url}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * Idempotency-Key on every POST, app-wide: the first response (any status below 500) is kept
 * for 24 hours per environment and key, and a retry with the same method, path and body gets it
 * again without running the handler. The same key on a different request is 422 (IETF
 * draft-ietf-httpapi-idempotency-key-header); a retry while the first is still running is 409.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore, clock: EnvironmentTime): void {
  app.decorateRequest('idempotencyKey', null);

  // preValidation: after auth (environmentId) and body parsing, before schema validation, so a
  // request that fails validation is recorded and replayed like any other.
  const claim: preValidationHookHandler = async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER];
    if (key === undefined || !request.environmentId) return;
    if (typeof key !== 'string' || key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
      throw badRequest(
        `The Idempotency-Key header must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`,
        'invalid_idempotency_key',
      );
    }
    const fingerprint = requestFingerprint(request.method, request.url, request.body);
    const now = clock.now(request.environmentId);
    const expiresAt = new Date(Date.parse(now) + IDEMPOTENCY_TTL_MS).toISOString();
    const record = store.claim({ environment_id: request.environmentId, key, fingerprint, created_at: now, expires_at: expiresAt });
    if (!record) {
      request.idempotencyKey = key;
      return;
    }
    if (record.fingerprint !== fingerprint) {
      throw new ApiError(422, {
        message: `Idempotency-Key '${key}' was already used for a different request (method, path or body).`,
        code: 'idempotency_key_reused',
      });
    }
    if (record.status === null) {
      throw new ApiError(409, {
        message: `A request with Idempotency-Key '${key}' is still in progress; retry once it has completed.`,
        code: 'idempotency_key_in_use',
      });
    }
    reply.status(record.status).header('idempotent-replayed', 'true');
    if (record.content_type) reply.header('content-type', record.content_type);
    return reply.send(record.body ?? undefined);
  };

  const complete: onSendHookHandler = async (request, reply, payload) => {
    const key = request.idempotencyKey;
    if (key === null) return payload;
    request.idempotencyKey = null;
    const body = payload === null || payload === undefined ? null : typeof payload === 'string' ? payload : undefined;
    // A 5xx is not an answer to replay: the retry should run again.
    if (reply.statusCode >= 500 || body === undefined) store.abandon(request.environmentId, key);
    else store.complete(request.environmentId, key, reply.statusCode, (reply.getHeader('content-type') as string) ?? null, body);
    return payload;
  };

  // Should a response never reach onSend, the claim must not block retries for a day.
  const release: onResponseHookHandler = async (request) => {
    if (request.idempotencyKey !== null) store.abandon(request.environmentId, request.idempotencyKey);
  };

  // On POST routes only: the reads SDKs poll should not pay for three hooks that never apply. A
  // POST that only reads (`config.readOnly`: the access check) is left out too: it changes
  // nothing a retry could repeat, and a kept answer would go stale once permissions change.
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST') || route.config?.readOnly) return;
    route.preValidation = [...routeHooks(route.preValidation), claim];
    route.onSend = [...routeHooks(route.onSend), complete];
    route.onResponse = [...routeHooks(route.onResponse), release];
  });
}
