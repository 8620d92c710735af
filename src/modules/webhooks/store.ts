import type { Db } from '../../db/open.js';
import { cursorParams, prepareKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

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

/** Webhook endpoints and deliveries (migrations/0022). */
export function createWebhookStore(db: Db) {
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
  const deleteDeliveriesOf = db.prepare('DELETE FROM webhook_deliveries WHERE environment_id = ? AND endpoint_id = ?');
  const TO_SEND = `SELECT d.environment_id, ${DELIVERY_COLUMNS.split(', ').map((c) => 'd.' + c).join(', ')},
       w.endpoint_url, w.status AS endpoint_status, w.secret, e.body
     FROM webhook_deliveries d
       JOIN webhook_endpoints w ON w.environment_id = d.environment_id AND w.id = d.endpoint_id
       JOIN events e ON e.environment_id = d.environment_id AND e.id = d.event_id`;
  const due = db.prepare<[number, number], DueDelivery>(`${TO_SEND} WHERE d.due_ms <= ? ORDER BY d.due_ms, d.id LIMIT ?`);
  const toSend = db.prepare<[string, string], DueDelivery>(`${TO_SEND} WHERE d.environment_id = ? AND d.id = ?`);
  const nextDue = db.prepare<[], { due_ms: number | null }>('SELECT min(due_ms) AS due_ms FROM webhook_deliveries WHERE due_ms IS NOT NULL');
  const recordAttempt = db.prepare(
    `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = @last_status, next_attempt_at = @next_attempt_at,
       due_ms = @due_ms, delivered_at = coalesce(@delivered_at, delivered_at)
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const schedule = db.prepare('UPDATE webhook_deliveries SET next_attempt_at = ?, due_ms = ? WHERE environment_id = ? AND id = ?');
  const bringForward = db.prepare(
    'UPDATE webhook_deliveries SET due_ms = ? WHERE environment_id = ? AND due_ms > ? AND next_attempt_at <= ?',
  );
  const listDeliveries = {
    all: db.prepare<[string], Delivery>(`SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE environment_id = ? ORDER BY id`),
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
      deleteDeliveriesOf.run(environmentId, id);
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
    /** The enabled endpoints subscribed to `event`. */
    subscribers(environmentId: string, event: string): string[] {
      return enabledEndpoints
        .all(environmentId)
        .filter((e) => (JSON.parse(e.events) as string[]).includes(event))
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
    /** Deliveries due by `nowMs` (the server's time), oldest first, across environments. */
    due: (nowMs: number, limit: number) => due.all(nowMs, limit),
    /** One delivery with what sending it takes, due or not. */
    toSend: (environmentId: string, id: string) => toSend.get(environmentId, id),
    nextDueMs: () => nextDue.get()!.due_ms,
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
      return bringForward.run(nowMs, environmentId, nowMs, nowIso).changes;
    },
  };
}

export type WebhookStore = ReturnType<typeof createWebhookStore>;
