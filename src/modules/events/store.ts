import type { Db } from '../../db/open.js';
import { createPartReader } from './parts.js';

/** An event as stored: `body` is the event object's JSON, what GET /events and deliveries send (as read, with its parts in place: parts.ts). */
export interface EventRow {
  id: string;
  event: string;
  organization_id: string | null;
  created_at: string;
  body: string;
}

export interface EventFilter {
  /** Event types (any of). */
  events?: string[];
  organization_id?: string;
  /** Inclusive bounds on created_at (ISO, milliseconds). */
  range_start?: string;
  range_end?: string;
}

export interface EventScan {
  /** 'desc': newest first. Ids are monotonic, so id order is the order events were committed in. */
  scan: 'asc' | 'desc';
  /** Rows strictly past this id in scan order. */
  cursor: string | null;
  limit: number;
}

const CONDITIONS = {
  events: 'event IN (SELECT value FROM json_each(@events))',
  organization_id: 'organization_id = @organization_id',
  range_start: 'created_at >= @range_start',
  range_end: 'created_at <= @range_end',
} as const;
type FilterName = keyof typeof CONDITIONS;
const FILTERS = Object.keys(CONDITIONS) as FilterName[];

/** The events outbox table (migrations/0021). */
export function createEventStore(db: Db) {
  // Positional: every write records its events here, and binding by name costs more.
  const insert = db.prepare<[string, string, string, string | null, string, string]>(
    'INSERT INTO events (environment_id, id, event, organization_id, created_at, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string, string], EventRow>('SELECT id, event, organization_id, created_at, body FROM events WHERE environment_id = ? AND id = ?');

  // One statement per combination of filters, scan and cursor, prepared on first use: each is
  // planned on the index that suits it (an `OR @x IS NULL` form would defeat the planner).
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const statementFor = (filter: EventFilter, req: EventScan) => {
    const used = FILTERS.filter((name) => filter[name] !== undefined);
    const key = `${used.join('+')} ${req.scan} ${req.cursor ? 'cursor' : ''}`;
    let statement = statements.get(key);
    if (!statement) {
      const where = [
        'environment_id = @env',
        'created_at >= @retained_since',
        ...used.map((name) => CONDITIONS[name]),
        ...(req.cursor ? [`id ${req.scan === 'asc' ? '>' : '<'} @cursor`] : []),
      ].join(' AND ');
      // `+@limit`: a bare LIMIT parameter makes SQLite re-prepare the statement on every run.
      statement = db.prepare(`SELECT id, event, organization_id, created_at, body FROM events WHERE ${where} ORDER BY id ${req.scan} LIMIT +@limit`);
      statements.set(key, statement);
    }
    return statement;
  };

  const parts = createPartReader(db);
  const expanded = (environmentId: string, row: EventRow): EventRow => {
    const body = parts.expand(environmentId, row.body);
    return body === row.body ? row : { ...row, body };
  };

  return {
    insert(environmentId: string, row: EventRow): void {
      insert.run(environmentId, row.id, row.event, row.organization_id, row.created_at, row.body);
    },
    byId(environmentId: string, id: string): EventRow | undefined {
      const row = byId.get(environmentId, id);
      return row && expanded(environmentId, row);
    },
    /** Up to `limit` rows past the cursor; only events created at or after `retainedSince`. */
    list(environmentId: string, filter: EventFilter, req: EventScan, retainedSince: string): EventRow[] {
      const params: Record<string, unknown> = { env: environmentId, retained_since: retainedSince, limit: req.limit };
      for (const name of FILTERS) {
        const value = filter[name];
        if (value !== undefined) params[name] = Array.isArray(value) ? JSON.stringify(value) : value;
      }
      if (req.cursor) params.cursor = req.cursor;
      return (statementFor(filter, req).all(params) as EventRow[]).map((row) => expanded(environmentId, row));
    },
  };
}

export type EventStore = ReturnType<typeof createEventStore>;
