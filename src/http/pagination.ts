import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open.js';
import { Type, type Static } from '@sinclair/typebox';
import { decodeTime } from 'ulid';
import { invalidParameters, type ValidationStatus } from './errors.js';
import { StringEnum } from './schemas.js';

/** spec: before/after cursors, limit 1–100 default 10, order normal|desc|asc default desc (by creation time). */
export const ListQuery = Type.Object({
  before: Type.Optional(Type.String({ description: 'An object ID that defines your place in the list.' })),
  after: Type.Optional(Type.String({ description: 'An object ID that defines your place in the list.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  order: Type.Optional(StringEnum(['normal', 'desc', 'asc'] as const, { default: 'desc' })),
});
export type ListQuery = Static<typeof ListQuery>;

/**
 * Where a row sits in its list's order: (created_at, id) for every list but flag rules, whose
 * `created_at` slot holds the rule's position (they list in evaluation order; see `sortColumn`).
 */
export interface SortKey {
  created_at: string | number;
  id: string;
}

export type Scan = 'asc' | 'desc';

export interface PageRequest {
  limit: number;
  /** The direction rows are read from the index in. */
  scan: Scan;
  cursor: SortKey | null;
  direction: 'before' | 'after' | null;
}

export interface Page<T> {
  rows: T[];
  before: string | null;
  after: string | null;
}

/**
 * Turns the query into a keyset request. `findKey` resolves a cursor id to its sort key; a
 * well-formed id that no longer exists (deleted mid-walk) still works through the time in its ULID.
 */
export function pageRequest(
  query: ListQuery,
  idPrefix: string,
  findKey: (id: string) => SortKey | undefined,
  /** The status of a bad cursor: 400, or 422 where the spec gives a list only that. */
  status: ValidationStatus = 400,
): PageRequest {
  const before = query.before || undefined;
  const after = query.after || undefined;
  if (before && after) {
    throw invalidParameters([{ field: 'before', code: 'before_after_exclusive', message: "cannot be combined with 'after'" }], status);
  }
  // spec lists `normal` beside asc/desc without defining it; we read it as the default, desc.
  const order: Scan = query.order === 'asc' ? 'asc' : 'desc';
  const limit = query.limit ?? 10;
  const cursorId = before ?? after;
  if (!cursorId) return { limit, scan: order, cursor: null, direction: null };
  const direction = before ? 'before' : 'after';
  const cursor = findKey(cursorId) ?? keyFromId(cursorId, idPrefix);
  if (!cursor) {
    throw invalidParameters([{ field: direction, code: `${direction}_invalid`, message: `is not a valid ${idPrefix}… id` }], status);
  }
  // Reading "before" the cursor means walking the index against the requested order.
  const scan: Scan = direction === 'before' ? (order === 'asc' ? 'desc' : 'asc') : order;
  return { limit, scan, cursor, direction };
}

function keyFromId(id: string, prefix: string): SortKey | undefined {
  if (!id.startsWith(prefix)) return undefined;
  try {
    return { created_at: new Date(decodeTime(id.slice(prefix.length))).toISOString(), id };
  } catch {
    return undefined;
  }
}

/** Rows read with LIMIT limit+1 in scan order → one page in the requested order with its cursors. */
export function toPage<T extends { id: string }>(req: PageRequest, fetched: T[]): Page<T> {
  const hasMore = fetched.length > req.limit;
  const rows = hasMore ? fetched.slice(0, req.limit) : fetched;
  let hasBefore: boolean;
  let hasAfter: boolean;
  if (req.direction === 'before') {
    rows.reverse();
    hasBefore = hasMore;
    hasAfter = true;
  } else {
    hasBefore = req.direction === 'after';
    hasAfter = hasMore;
  }
  const first = rows[0];
  const last = rows[rows.length - 1];
  return {
    rows,
    before: hasBefore && first ? first.id : null,
    after: hasAfter && last ? last.id : null,
  };
}

/**
 * Merges two lists each already in `scan` order of (created_at, id), keeping the first `limit`:
 * what `ORDER BY created_at, id LIMIT n` over their union gives (both are ASCII, so JS string
 * order is SQLite's BINARY order).
 */
export function mergeKeyset<T extends SortKey>(a: T[], b: T[], scan: Scan, limit: number): T[] {
  const sign = scan === 'asc' ? 1 : -1;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    if (j >= b.length) out.push(a[i++]);
    else if (i >= a.length) out.push(b[j++]);
    else out.push(compareKeys(a[i], b[j]) * sign <= 0 ? a[i++] : b[j++]);
  }
  return out;
}

/** True when `key` lies past the request's cursor in scan order: keysetSql's WHERE, for rows in hand. */
export function pastCursor(req: PageRequest, key: SortKey): boolean {
  if (!req.cursor) return true;
  const order = compareKeys(key, req.cursor);
  return req.scan === 'asc' ? order > 0 : order < 0;
}

/** Sorts in place into scan order of (created_at, id), as keysetSql's ORDER BY does. */
export function sortKeyset<T extends SortKey>(rows: T[], scan: Scan): T[] {
  const sign = scan === 'asc' ? 1 : -1;
  return rows.sort((x, y) => compareKeys(x, y) * sign);
}

function compareKeys(x: SortKey, y: SortKey): number {
  if (x.created_at !== y.created_at) return x.created_at < y.created_at ? -1 : 1;
  return x.id < y.id ? -1 : x.id > y.id ? 1 : 0;
}

/**
 * SQL fragments for a keyset read; `alias` prefixes the columns when the query joins, and
 * `sortColumn` is the column sorted on before the id (created_at unless the list says otherwise).
 */
export function keysetSql(scan: Scan, withCursor: boolean, alias = '', sortColumn = 'created_at'): KeysetSql {
  const a = alias ? alias + '.' : '';
  const dir = scan === 'asc' ? 'ASC' : 'DESC';
  return {
    where: withCursor ? `(${a}${sortColumn}, ${a}id) ${scan === 'asc' ? '>' : '<'} (@cursor_created_at, @cursor_id)` : '1',
    orderBy: `${a}${sortColumn} ${dir}, ${a}id ${dir}`,
    limit: KEYSET_LIMIT,
  };
}

export interface KeysetSql {
  where: string;
  orderBy: string;
  /** The LIMIT clause, bound to @limit. */
  limit: string;
}

// Not `LIMIT @limit`: SQLite's planner reads a bare LIMIT parameter, so binding it marks the
// statement expired and every run prepares it again (a third of a list query's time). `+@limit`
// is the same number, out of the planner's sight.
const KEYSET_LIMIT = 'LIMIT +@limit';

/** Named parameters for the cursor of a keyset statement. */
export function cursorParams(req: PageRequest): { cursor_created_at?: string | number; cursor_id?: string; limit: number } {
  return req.cursor
    ? { cursor_created_at: req.cursor.created_at, cursor_id: req.cursor.id, limit: req.limit + 1 }
    : { limit: req.limit + 1 };
}

/** The one list envelope every list route returns. */
export function toList<T, W>(page: Page<T>, serialize: (row: T) => W) {
  return {
    object: 'list' as const,
    data: page.rows.map(serialize),
    list_metadata: { before: page.before, after: page.after },
  };
}

/**
 * toList as JSON text, for rows whose JSON is already at hand (see flagJson). Same envelope,
 * same field order; the route sends it as application/json without another serialization.
 */
export function toListJson<T>(page: Page<T>, json: (row: T) => string): string {
  let text = listJsonOf.get(page);
  if (text === undefined) {
    const data = page.rows.map(json).join(',');
    text = `{"object":"list","data":[${data}],"list_metadata":{"before":${JSON.stringify(page.before)},"after":${JSON.stringify(page.after)}}}`;
    if (Object.isFrozen(page) && Object.isFrozen(page.rows)) listJsonOf.set(page, text);
  }
  return text;
}

// A frozen page (one kept by a read memo, shared between requests) keeps its JSON text.
const listJsonOf = new WeakMap<Page<unknown>, string>();

/** Freezes a page and its row list, so that toListJson may keep its JSON text. */
export function freezePage<T>(page: Page<T>): Page<T> {
  Object.freeze(page.rows);
  return Object.freeze(page);
}

/**
 * The four keyset statements of one list (scan asc/desc × with/without cursor), prepared on
 * first use and reused. `build` receives the WHERE and ORDER BY fragments.
 */
export function prepareKeyset(
  db: Db,
  build: (sql: KeysetSql) => string,
  alias = '',
  sortColumn = 'created_at',
): (req: PageRequest) => Statement {
  const cache = new Map<string, Statement>();
  return (req) => {
    const key = req.scan + (req.cursor ? '+cursor' : '');
    let statement = cache.get(key);
    if (!statement) {
      statement = db.prepare(build(keysetSql(req.scan, req.cursor !== null, alias, sortColumn)));
      cache.set(key, statement);
    }
    return statement;
  };
}

/**
 * prepareKeyset for a list with optional filters: `conditions` maps each filter to its SQL
 * condition, and every combination of filters present gets statements of its own, so each shape
 * is planned on the index that suits it (an `OR @x IS NULL` form would defeat the planner).
 * `build` receives the WHERE and ORDER BY fragments plus `filters`, the conditions present as `AND …`.
 */
export function prepareFilteredKeyset<K extends string>(
  db: Db,
  conditions: Record<K, string>,
  build: (sql: KeysetSql & { filters: string }) => string,
  alias = '',
): (req: PageRequest, present: Partial<Record<K, unknown>>) => Statement {
  const families = new Map<string, (req: PageRequest) => Statement>();
  const names = Object.keys(conditions) as K[];
  return (req, present) => {
    const used = names.filter((name) => present[name] !== undefined);
    const key = used.join('+');
    let family = families.get(key);
    if (!family) {
      const filters = used.map((name) => `AND ${conditions[name]}`).join(' ');
      family = prepareKeyset(db, (sql) => build({ ...sql, filters }), alias);
      families.set(key, family);
    }
    return family(req);
  };
}
