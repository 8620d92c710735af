import type { CorsOrigin, RedirectUri } from './schemas.js';
import type { CorsOriginRecord, RedirectUriRecord } from './store.js';

/** Redirect URI → wire object in spec order. */
export function serializeRedirectUri(r: RedirectUriRecord): RedirectUri {
  return { object: 'redirect_uri', id: r.id, uri: r.uri, default: r.is_default, created_at: r.created_at, updated_at: r.updated_at };
}

/** CORS origin → wire object in spec order. */
export function serializeCorsOrigin(o: CorsOriginRecord): CorsOrigin {
  return { object: 'cors_origin', id: o.id, origin: o.origin, created_at: o.created_at, updated_at: o.updated_at };
}
