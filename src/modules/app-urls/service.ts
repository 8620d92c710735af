import type { EnvironmentTime } from '../clock/service.js';
import type { Db } from '../../db/open.js';
import { ApiError, conflict, invalidParameters } from '../../http/errors.js';
import { newId } from '../../ids.js';
import type { CreateCorsOriginBody, CreateRedirectUriBody, SetHomepageUrlBody } from './schemas.js';
import type { AppUrlStore, CorsOriginRecord, RedirectUriRecord } from './store.js';

export interface AppUrlService {
  createRedirectUri(environmentId: string, body: CreateRedirectUriBody): RedirectUriRecord;
  createCorsOrigin(environmentId: string, body: CreateCorsOriginBody): CorsOriginRecord;
  /** Sets the app homepage URL, giving the URL kept. */
  setHomepageUrl(environmentId: string, body: SetHomepageUrlBody): string;
}

/** `value` as an origin (`scheme://host[:port]`, http or https, nothing after), or undefined. */
function asOrigin(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  // `https://a.example/` has pathname '/' too: only a bare origin (one trailing slash at most) passes.
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/?$/i.test(value)) return undefined;
  return url.origin;
}

export function createAppUrlService(db: Db, store: AppUrlStore, clock: EnvironmentTime): AppUrlService {
  const createRedirectUri = db.transaction((environmentId: string, body: CreateRedirectUriBody): RedirectUriRecord => {
    // Any absolute URL: native apps register custom schemes (myapp://callback) besides http(s).
    if (!URL.canParse(body.uri)) {
      throw invalidParameters([{ field: 'uri', code: 'uri_invalid_format', message: 'must be an absolute URL' }], 422);
    }
    // spec: the 422 example "Redirect URI 'https://example.com/callback' already exists."
    if (store.redirectUriExists(environmentId, body.uri)) throw new ApiError(422, { message: `Redirect URI '${body.uri}' already exists.` });
    const now = clock.now(environmentId);
    const record: RedirectUriRecord = {
      id: newId('redirectUri'),
      uri: body.uri,
      is_default: !store.hasRedirectUris(environmentId),
      created_at: now,
      updated_at: now,
    };
    store.insertRedirectUri(environmentId, record);
    return record;
  });

  const createCorsOrigin = db.transaction((environmentId: string, body: CreateCorsOriginBody): CorsOriginRecord => {
    const origin = asOrigin(body.origin);
    if (!origin) {
      throw invalidParameters([{ field: 'origin', code: 'origin_invalid_format', message: 'must be an http or https origin (scheme, host, optional port)' }], 422);
    }
    // spec: 409 "Duplicate CORS origin", code duplicate_cors_origin, "CORS origin already exists."
    if (store.corsOriginExists(environmentId, origin)) throw conflict('CORS origin already exists.', 'duplicate_cors_origin');
    const now = clock.now(environmentId);
    const record: CorsOriginRecord = { id: newId('corsOrigin'), origin, created_at: now, updated_at: now };
    store.insertCorsOrigin(environmentId, record);
    return record;
  });

  const setHomepageUrl = db.transaction((environmentId: string, body: SetHomepageUrlBody): string => {
    const url = URL.canParse(body.url) ? new URL(body.url) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
      throw invalidParameters([{ field: 'url', code: 'url_invalid_format', message: 'must be an absolute http or https URL' }], 422);
    }
    store.setHomepageUrl(environmentId, body.url, clock.now(environmentId));
    return body.url;
  });

  return { createRedirectUri, createCorsOrigin, setHomepageUrl };
}
