import type { Db } from '../../db/open.js';
import { ApiError, conflict, notFound } from '../../http/errors.js';
import { pageRequest, toPage, type ListQuery, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, newId } from '../../ids.js';
import { randomString } from '../../random-string.js';
import type { EnvironmentTime } from '../clock/service.js';
import { EVENT_TYPES } from '../events/catalogue.js';
import type { CreateWebhookEndpointDto, UpdateWebhookEndpointDto } from './schemas.js';
import type { WebhookEndpoint, WebhookStore } from './store.js';

export interface WebhookEndpointService {
  list(environmentId: string, query: ListQuery): Page<WebhookEndpoint>;
  create(environmentId: string, body: CreateWebhookEndpointDto): WebhookEndpoint;
  update(environmentId: string, id: string, body: UpdateWebhookEndpointDto): WebhookEndpoint;
  delete(environmentId: string, id: string): void;
}

/**
 * spec: 422 `invalid_url`. Production requires public HTTPS; a local stand-in delivers to the
 * test's own receiver, so http:// is accepted too (loopback or not: CI networks name hosts).
 */
function checkUrl(url: string): string {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || !parsed.hostname) {
    throw new ApiError(422, { code: 'invalid_url', message: `'${url}' is not a valid http(s) URL.` });
  }
  return url;
}

/** spec: 422 invalid_request_parameters with `errors: [{code: unknown_event_type, message}]`. */
function checkEvents(events: string[]): string[] {
  const unknown = events.map((event, i) => ({ event, i })).filter(({ event }) => !EVENT_TYPES.has(event));
  if (unknown.length) {
    throw new ApiError(422, {
      code: 'invalid_request_parameters',
      message: 'Validation failed.',
      errors: unknown.map(({ event, i }) => ({ field: `events.${i}`, code: 'unknown_event_type', message: `Invalid enum value: '${event}'.` })),
    });
  }
  return [...new Set(events)];
}

export function createWebhookEndpointService(db: Db, store: WebhookStore, clock: EnvironmentTime): WebhookEndpointService {
  const requireEndpoint = (environmentId: string, id: string): WebhookEndpoint => {
    const endpoint = store.endpointById(environmentId, id);
    if (!endpoint) throw notFound('Webhook endpoint', id);
    return endpoint;
  };
  const requireFreeUrl = (environmentId: string, url: string, id: string) => {
    const holder = store.endpointByUrl(environmentId, url);
    if (holder && holder.id !== id) throw conflict(`A webhook endpoint for '${url}' already exists.`, 'duplicate_endpoint');
  };

  return {
    list(environmentId, query) {
      const req = pageRequest(query, ID_PREFIXES.webhookEndpoint, (id) => store.sortKey(environmentId, id));
      return toPage(req, store.listEndpoints(environmentId, req));
    },

    create: db.transaction((environmentId: string, body: CreateWebhookEndpointDto): WebhookEndpoint => {
      const url = checkUrl(body.endpoint_url);
      const events = checkEvents(body.events);
      requireFreeUrl(environmentId, url, '');
      const now = clock.now(environmentId);
      const endpoint: WebhookEndpoint = {
        id: newId('webhookEndpoint'),
        endpoint_url: url,
        secret: randomString(25),
        status: 'enabled',
        events,
        created_at: now,
        updated_at: now,
      };
      store.insertEndpoint(environmentId, endpoint);
      return endpoint;
    }),

    update: db.transaction((environmentId: string, id: string, body: UpdateWebhookEndpointDto): WebhookEndpoint => {
      const current = requireEndpoint(environmentId, id);
      const next: WebhookEndpoint = {
        ...current,
        ...(body.endpoint_url !== undefined && { endpoint_url: checkUrl(body.endpoint_url) }),
        ...(body.status !== undefined && { status: body.status }),
        ...(body.events !== undefined && { events: checkEvents(body.events) }),
      };
      requireFreeUrl(environmentId, next.endpoint_url, id);
      if (JSON.stringify(next) === JSON.stringify(current)) return current;
      next.updated_at = clock.now(environmentId);
      store.updateEndpoint(environmentId, next);
      return next;
    }),

    delete: db.transaction((environmentId: string, id: string): void => {
      requireEndpoint(environmentId, id);
      store.deleteEndpoint(environmentId, id);
    }),
  };
}
