import { ApiError, invalidParameters } from '../../http/errors.js';
import { pageRequest, toPage, type Page } from '../../http/pagination.js';
import { ID_PREFIXES, isId } from '../../ids.js';
import type { EnvironmentTime } from '../clock/service.js';
import { EVENT_TYPES } from './catalogue.js';
import type { ListEventsQuery } from './schemas.js';
import type { EventFilter, EventRow, EventStore } from './store.js';

/** Docs: events are kept 30 days. Older ones (by the environment's clock) are no longer listed. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export interface EventService {
  list(environmentId: string, query: ListEventsQuery): Page<EventRow>;
}

/** `events=a,b`, `events=a&events=b` and `events[]=a` all name types; an empty item names none. */
function eventTypesOf(query: ListEventsQuery): string[] {
  return [...(query.events ?? []), ...(query['events[]'] ?? [])]
    .flatMap((item) => item.split(','))
    .map((type) => type.trim())
    .filter(Boolean);
}

function isoOf(field: 'range_start' | 'range_end', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidParameters([{ field, code: 'invalid_date', message: 'is not an ISO-8601 date' }], 422);
  return new Date(ms).toISOString();
}

export function createEventService(store: EventStore, clock: EnvironmentTime): EventService {
  return {
    list(environmentId, query) {
      const types = eventTypesOf(query);
      // Production requires the filter (the SDKs made it required); the spec's 422 example is this one.
      if (!types.length) throw invalidParameters([{ field: 'events', code: 'required', message: 'is required' }], 422);
      const unknown = types.find((type) => !EVENT_TYPES.has(type));
      if (unknown !== undefined) {
        // What production answers an unknown name (workos-node#1391).
        throw new ApiError(400, {
          message: `Invalid name parameter, received: '${unknown}'. You must pass in valid event names`,
          code: 'invalid_events_request',
        });
      }
      const filter: EventFilter = {
        events: [...new Set(types)],
        organization_id: query.organization_id || undefined,
        range_start: isoOf('range_start', query.range_start),
        range_end: isoOf('range_end', query.range_end),
      };
      if (filter.range_start && filter.range_end && filter.range_start > filter.range_end) {
        throw invalidParameters([{ field: 'range_start', code: 'invalid_range', message: "is after 'range_end'" }], 422);
      }
      // Ids are monotonic, so an event id is its own sort key.
      const req = pageRequest(query, ID_PREFIXES.event, (id) => (isId('event', id) ? { created_at: '', id } : undefined), 422);
      const retainedSince = new Date(Date.parse(clock.now(environmentId)) - EVENT_RETENTION_MS).toISOString();
      const rows = store.list(environmentId, filter, { scan: req.scan, cursor: req.cursor?.id ?? null, limit: req.limit + 1 }, retainedSince);
      return toPage(req, rows);
    },
  };
}
