import { Type, type Static } from '@sinclair/typebox';
import { decodeTime } from 'ulid';
import { invalidParameters, type ValidationStatus } from './errors.js';
import { StringEnum } from './schemas.js';
import type { PageRequest, Scan, SortKey } from '../db/keyset.js';

/** spec: before/after cursors, limit 1–100 default 10, order normal|desc|asc default desc (by creation time). */
export const ListQuery = Type.Object({
  before: Type.Optional(Type.String({ description: 'An object ID that defines your place in the list.' })),
  after: Type.Optional(Type.String({ description: 'An object ID that defines your place in the list.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })),
  order: Type.Optional(StringEnum(['normal', 'desc', 'asc'] as const, { default: 'desc' })),
});
export type ListQuery = Static<typeof ListQuery>;

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
