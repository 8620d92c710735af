import type { Statement } from 'better-sqlite3';
import type { Db } from './open.js';

// Keyset reads over (created_at, id): the SQL the stores prepare, and the same order for rows in hand.
// Turning a list query into a PageRequest, and a page into the list envelope, is HTTP's (src/http/pagination.ts).

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

/** (created_at, id) order: negative when x sorts first. */
export function compareKeys(x: SortKey, y: SortKey): number {
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
