import { createKeptMap } from '../../db/kept-map.js';
import { onFirstUse } from '../../db/on-first-use.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';
import { createPartReader } from '../events/parts.js';

export type EndpointStatus = 'enabled' | 'disabled';

export interface WebhookEndpoint {
  id: string;
  endpoint_url: string;
  secret: string;
  status: EndpointStatus;
  events: string[];
  created_at: string;
  updated_at: string;
}

export interface Delivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  last_status: number | null;
  next_attempt_at: string | null;
  due_ms: number | null;
  delivered_at: string | null;
}

/** A due delivery's keys, as the worker's scan reads them. */
export interface DueKey {
  environment_id: string;
  id: string;
  endpoint_id: string;
  due_ms: number;
}

/** A delivery the worker may send now, with what sending it takes. */
export interface DueDelivery extends Delivery {
  environment_id: string;
  endpoint_url: string;
  endpoint_status: EndpointStatus;
  secret: string;
  body: string;
}

type EndpointRow = Omit<WebhookEndpoint, 'events'> & { events: string };
const ENDPOINT_COLUMNS = 'id, endpoint_url, secret, status, events, created_at, updated_at';
const DELIVERY_COLUMNS = 'id, endpoint_id, event_id, attempts, last_status, next_attempt_at, due_ms, delivered_at';
const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({ ...row, events: JSON.parse(row.events) as string[] });

/** Webhook endpoints and deliveries (migrations/0022, 0023). */
export function createWebhookStore(db: Db) {
  // An endpoint's `events` column parsed once per distinct value (the row stays the truth).
  const eventSets = new Map<string, Set<string>>();
  const eventSet = (json: string): Set<string> => {
    let set = eventSets.get(json);
    if (!set) {
      if (eventSets.size >= 1000) eventSets.clear();
      eventSets.set(json, (set = new Set(JSON.parse(json) as string[])));
    }
    return set;
  };
  // Each environment's enabled endpoints, asked for every event recorded: a kept map entry with no
  // scope, so it lasts until a row of webhook_endpoints is written (that table has no change-feed
  // rule, so any write to it, this store's, a reset's or restore's, a copied environment's, drops
  // everything of its environment, this included).
  const enabledKept = createKeptMap<{ id: string; events: Set<string> }[]>(db, { until: 'scopes', entries: 10_000 });
  const enabledOf = (environmentId: string) =>
    enabledKept.through(environmentId, environmentId, () => enabledEndpoints.all(environmentId).map((e) => ({ id: e.id, events: eventSet(e.events) })));
  const insertEndpoint = db.prepare(
    `INSERT INTO webhook_endpoints (environment_id, ${ENDPOINT_COLUMNS}) VALUES (@environment_id, @id, @endpoint_url, @secret, @status, @events, @created_at, @updated_at)`,
  );
  const updateEndpoint = db.prepare(
    `UPDATE webhook_endpoints SET endpoint_url = @endpoint_url, status = @status, events = @events, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const deleteEndpoint = db.prepare('DELETE FROM webhook_endpoints WHERE environment_id = ? AND id = ?');
  const endpointById = db.prepare<[string, string], EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE environment_id = ? AND id = ?`);
  const endpointByUrl = db.prepare<[string, string], EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE environment_id = ? AND endpoint_url = ?`);
  const enabledEndpoints = db.prepare<[string], { id: string; events: string }>(
    "SELECT id, events FROM webhook_endpoints WHERE environment_id = ? AND status = 'enabled'",
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM webhook_endpoints WHERE environment_id = ? AND id = ?');
  const listEndpoints = prepareKeyset(
    db,
    (k) => `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE environment_id = @env AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  const insertDelivery = db.prepare(
    `INSERT INTO webhook_deliveries (environment_id, id, endpoint_id, event_id, attempts, next_attempt_at, due_ms)
     VALUES (@environment_id, @id, @endpoint_id, @event_id, 0, @next_attempt_at, @due_ms)`,
  );
  const deliveryById = db.prepare<[string, string], Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE environment_id = ? AND id = ?`);
  // INDEXED BY: without statistics SQLite would walk the environment's whole primary key. Such a
  // statement fails to prepare while a bulk seed load has the indexes dropped, so these two are
  // prepared on first use (never during a load).
  const deleteDeliveriesOf = onFirstUse(db, 'DELETE FROM webhook_deliveries INDEXED BY webhook_deliveries_endpoint_due WHERE environment_id = ? AND endpoint_id = ?');
  const TO_SEND = `SELECT d.environment_id, ${DELIVERY_COLUMNS.split(', ').map((c) => 'd.' + c).join(', ')},
       w.endpoint_url, w.status AS endpoint_status, w.secret, e.body
     FROM webhook_deliveries d
       JOIN webhook_endpoints w ON w.environment_id = d.environment_id AND w.id = d.endpoint_id
       JOIN events e ON e.environment_id = d.environment_id AND e.id = d.event_id`;
  // Endpoint by endpoint (migrations/0023): each endpoint's oldest due delivery is one index seek,
  // however long the backlog.
  const allEndpoints = db.prepare<[], { environment_id: string; id: string }>(
    'SELECT w.environment_id, w.id FROM environments CROSS JOIN webhook_endpoints w ON w.environment_id = environments.id',
  );
  const nextDueOf = db.prepare<[string, string, number], DueKey>(
    `SELECT environment_id, id, endpoint_id, due_ms FROM webhook_deliveries
     WHERE environment_id = ? AND endpoint_id = ? AND due_ms IS NOT NULL AND due_ms <= ? ORDER BY due_ms, id LIMIT 1`,
  );
  const earliestOf = db.prepare<[string, string], { due_ms: number | null }>(
    'SELECT min(due_ms) AS due_ms FROM webhook_deliveries WHERE environment_id = ? AND endpoint_id = ? AND due_ms IS NOT NULL',
  );
  const toSend = db.prepare<[string, string], DueDelivery>(`${TO_SEND} WHERE d.environment_id = ? AND d.id = ?`);
  const parts = createPartReader(db);
  const recordAttempt = db.prepare(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = @last_status, next_attempt_at = @next_attempt_at,
       due_ms = @due_ms, delivered_at = coalesce(@delivered_at, delivered_at)
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const schedule = db.prepare('UPDATE webhook_deliveries SET next_attempt_at = ?, due_ms = ? WHERE environment_id = ? AND id = ?');
  const bringForward = onFirstUse(
    db,
    `UPDATE webhook_deliveries INDEXED BY webhook_deliveries_endpoint_due SET due_ms = @now_ms WHERE environment_id = @env
       AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE environment_id = @env) AND due_ms > @now_ms AND next_attempt_at <= @now_iso`,
  );
  const listDeliveries = {
    all: db.prepare<[string], Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE environment_id = ? ORDER BY id`),
    // The environment's deliveries in id order, filtered (an admin read; no index serves both).
    endpoint: db.prepare<[string, string], Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE environment_id = ? AND endpoint_id = ? ORDER BY id`),
    event: db.prepare<[string, string], Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE environment_id = ? AND event_id = ? ORDER BY id`),
  };

  return {
    insertEndpoint(environmentId: string, endpoint: WebhookEndpoint): void {
      insertEndpoint.run({ environment_id: environmentId, ...endpoint, events: JSON.stringify(endpoint.events) });
    },
    updateEndpoint(environmentId: string, endpoint: WebhookEndpoint): void {
      updateEndpoint.run({ environment_id: environmentId, ...endpoint, events: JSON.stringify(endpoint.events) });
    },
    /** Deletes the endpoint and its deliveries, sent or not. */
    deleteEndpoint(environmentId: string, id: string): void {
      deleteDeliveriesOf().run(environmentId, id);
      deleteEndpoint.run(environmentId, id);
    },
    endpointById(environmentId: string, id: string): WebhookEndpoint | undefined {
      const row = endpointById.get(environmentId, id);
      return row && toEndpoint(row);
    },
    endpointByUrl(environmentId: string, url: string): WebhookEndpoint | undefined {
      const row = endpointByUrl.get(environmentId, url);
      return row && toEndpoint(row);
    },
    /** The enabled endpoints subscribed to `event` (asked for every event recorded). */
    subscribers(environmentId: string, event: string): string[] {
      return enabledOf(environmentId)
        .filter((e) => e.events.has(event))
        .map((e) => e.id);
    },
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    listEndpoints(environmentId: string, req: PageRequest): WebhookEndpoint[] {
      return (listEndpoints(req).all({ env: environmentId, ...cursorParams(req) }) as EndpointRow[]).map(toEndpoint);
    },

    insertDelivery(environmentId: string, d: { id: string; endpoint_id: string; event_id: string; next_attempt_at: string; due_ms: number }): void {
      insertDelivery.run({ environment_id: environmentId, ...d });
    },
    deliveryById: (environmentId: string, id: string) => deliveryById.get(environmentId, id),
    listDeliveries(environmentId: string, filter: { endpoint_id?: string; event_id?: string }): Delivery[] {
      const rows = filter.endpoint_id
        ? listDeliveries.endpoint.all(environmentId, filter.endpoint_id)
        : filter.event_id
          ? listDeliveries.event.all(environmentId, filter.event_id)
          : listDeliveries.all.all(environmentId);
      return rows.filter((d) => (!filter.event_id || d.event_id === filter.event_id) && (!filter.endpoint_id || d.endpoint_id === filter.endpoint_id));
    },
    /** Each endpoint's oldest delivery due by `nowMs` (the server's time), oldest first, across environments. */
    due(nowMs: number): DueKey[] {
      const found: DueKey[] = [];
      for (const e of allEndpoints.all()) {
        const k = nextDueOf.get(e.environment_id, e.id, nowMs);
        if (k) found.push(k);
      }
      return found.sort((a, b) => a.due_ms - b.due_ms || (a.id < b.id ? -1 : 1));
    },
    /** The endpoint's oldest delivery due by `nowMs` (migrations/0023). */
    nextDueOf: (environmentId: string, endpointId: string, nowMs: number) => nextDueOf.get(environmentId, endpointId, nowMs),
    /** One delivery with what sending it takes, due or not. */
    /** The delivery with its event's body as sent (the parts it names in place). */
    toSend(environmentId: string, id: string): DueDelivery | undefined {
      const due = toSend.get(environmentId, id);
      return due && { ...due, body: parts.expand(environmentId, due.body) };
    },
    /** The earliest due time of any delivery not yet delivered or given up, or null. */
    nextDueMs(): number | null {
      let earliest: number | null = null;
      for (const e of allEndpoints.all()) {
        const due = earliestOf.get(e.environment_id, e.id)!.due_ms;
        if (due !== null && (earliest === null || due < earliest)) earliest = due;
      }
      return earliest;
    },
    recordAttempt(
      environmentId: string,
      id: string,
      a: { last_status: number | null; next_attempt_at: string | null; due_ms: number | null; delivered_at: string | null },
    ): void {
      recordAttempt.run({ environment_id: environmentId, id, ...a });
    },
    schedule(environmentId: string, id: string, nextAttemptAt: string | null, dueMs: number | null): void {
      schedule.run(nextAttemptAt, dueMs, environmentId, id);
    },
    /** Makes due at `nowMs` every retry of the environment whose clock time has come (`nowIso`). */
    bringForward(environmentId: string, nowIso: string, nowMs: number): number {
      return bringForward().run({ now_ms: nowMs, env: environmentId, now_iso: nowIso }).changes;
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
