import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify';
import type { Scope } from '../db/change-feed.js';
import type { Db } from '../db/open.js';
import { createKeptMap } from '../db/kept-map.js';
import { JSON_CONTENT_TYPE } from './json-text.js';
import { genRequestId } from './request-id.js';
import { routeHooks } from './route-hooks.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A GET whose 200 answer depends only on its URL, its key and the data: answered again from memory. */
    cacheable?: boolean;
  }
  interface FastifyRequest {
    /**
     * Set by a `cacheable` route that knows what its answer was read from: the answer is then kept
     * until one of `scopes` changes and while `valid()` says so (the kept page it was made of is
     * still kept), rather than until any row of its environment is written.
     */
    keptFor?: { scopes: readonly Scope[]; valid?: () => boolean };
  }
}

/** Answers and characters kept at once; past either the cache starts over, so memory stays bounded. */
const MAX_ENTRIES = 20_000;
const MAX_CHARACTERS = 64 * 1024 * 1024;

/**
 * The GETs SDKs repeat (flag lists, the runtime poll), answered again without routing them
 * through Fastify while the data has not changed: the same bytes Fastify sent for the same URL
 * and key, with a fresh X-Request-ID. Kept when a `cacheable` route answers 200. Dropped when one
 * of the scopes the route named changes or what it was made of is no longer kept
 * (`request.keptFor`, plus `keys`: which environment the key is of), or, when it named none, when
 * its environment is written (any row of it, committed or not; src/db/change-feed.ts); and by a
 * bulk write or another process's commit to the same file.
 * Only over a real port (inject() goes through Fastify) and only while requests are not logged.
 */
export function createResponseCache(db: Db) {
  const responses = createKeptMap<{ body: string; valid?: () => boolean }>(db, { until: 'written', entries: MAX_ENTRIES, weight: MAX_CHARACTERS });
  const keyOf = (url: string | undefined, authorization: string | undefined) => `${authorization ?? ''}\n${url}`;

  /** True when it answered the request itself. */
  const serve = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const kept = responses.get(keyOf(req.url, req.headers.authorization));
    if (kept === undefined || (kept.valid && !kept.valid())) return false;
    const { body } = kept;
    res.writeHead(200, { 'x-request-id': genRequestId(), 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return true;
  };

  return {
    /** Answers a repeated GET from memory; for nodeServerFactory's front handler. */
    serve,
    /** Keeps the 200 answers of the routes marked `cacheable` (an onSend hook on those only). */
    register(app: FastifyInstance): void {
      const keep = (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, p: unknown) => void) => {
        if (reply.statusCode === 200 && typeof payload === 'string') {
          const keptFor = request.keptFor;
          responses.set(
            request.environmentId,
            keyOf(request.raw.url, request.headers.authorization),
            { body: payload, valid: keptFor?.valid },
            { weight: payload.length, scopes: keptFor && [...keptFor.scopes, 'keys'] },
          );
        }
        done(null, payload);
      };
      app.addHook('onRoute', (route: RouteOptions) => {
        if (!route.config?.cacheable) return;
        route.onSend = [...routeHooks(route.onSend), keep as onSendHookHandler];
      });
    },
  };
}
