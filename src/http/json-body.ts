import type { FastifyInstance } from 'fastify';
import { invalidParameters } from './errors.js';
import { MAX_JSON_DEPTH } from './limits.js';

/** True when `text` opens more than `max` arrays/objects inside one another (strings skipped). */
export function nestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The JSON body parser. The SDK sends `Content-Type: application/json` with an empty body on
 * bodiless PUT/DELETE: that reads as {}. A body nested past MAX_JSON_DEPTH is refused before
 * anything walks it recursively (schema validation, the idempotency fingerprint).
 */
export function registerJsonBody(app: FastifyInstance): void {
  const defaultJson = app.getDefaultJsonParser('error', 'ignore') as unknown as (
    req: unknown,
    body: string,
    done: (e: Error | null, v?: unknown) => void,
  ) => void;
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    // The route is decided before the body is read: an unknown route's body is never parsed, so
    // whatever it holds, the route's own 404 answers (Fastify skips unknown content types there too).
    if (req.is404) return done(null, undefined);
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      const error = { field: 'body', code: 'body_too_deep', message: `nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` };
      return done(invalidParameters([error], 400));
    }
    defaultJson(req, text, (err, value) => {
      if (err) (err as Error & { statusCode?: number }).statusCode = 400;
      done(err, value);
    });
  });
}
