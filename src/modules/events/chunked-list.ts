/**
 * Persistent lists of strings, held as chunks. A list changed by one entry shares every chunk but
 * one with the list it came from, so a change copies one chunk (at most 2 × CHUNK entries) and the
 * array of chunks, never the whole list. Flag events keep a flag's configured targets (~1,000 on a
 * large flag) from write to write: whole copies of them lived long enough to be promoted, then were
 * collected, and their pages faulted in again for the next ones.
 *
 * No chunk is empty, so a list with no chunks is the empty list. Lists are never changed in place.
 */
export type Chunks = readonly (readonly string[])[];

/** Entries of a chunk a list is first cut into; a chunk past twice this is cut in two. */
export const CHUNK = 64;

export const EMPTY_CHUNKS: Chunks = [];

/** Where an entry is, or would go: chunk `chunk`, index `index` in it. */
export interface Position {
  chunk: number;
  index: number;
}

/** The list of `items`, in chunks of CHUNK. */
export function chunked(items: readonly string[]): Chunks {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Entries of the list. */
export const entries = (list: Chunks): number => list.reduce((n, chunk) => n + chunk.length, 0);

/** The list's entries as one array (for reading it whole; a change never needs this). Shared: callers only read it. */
export const flat = (list: Chunks): readonly string[] => (list.length === 1 ? list[0] : list.length === 0 ? [] : ([] as string[]).concat(...list));

/** The list's entries joined with commas (the JSON of a list of JSON texts, without its brackets). */
export const joinedEntries = (list: Chunks): string => list.map((chunk) => chunk.join(',')).join(',');

/** Whether two arrays hold the same entries in the same order. */
const sameItems = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Whether two lists hold the same entries in the same order (shared chunks compare by reference). */
export function sameEntries(a: Chunks, b: Chunks): boolean {
  if (a === b) return true;
  // Chunk by chunk while both are cut alike: two chunks of one length at one place decide their entries.
  let i = 0;
  for (; i < a.length && i < b.length && a[i].length === b[i].length; i++) if (a[i] !== b[i] && !sameItems(a[i], b[i])) return false;
  if (i === a.length && i === b.length) return true;
  // Cut differently from chunk i on: the rest entry by entry.
  const rest = entries(a.slice(i));
  if (rest !== entries(b.slice(i))) return false;
  let [ca, cb] = [i, i];
  let ia = 0;
  let ib = 0;
  for (let k = 0; k < rest; k++) {
    if (a[ca][ia] !== b[cb][ib]) return false;
    if (++ia === a[ca].length) (ca++, (ia = 0));
    if (++ib === b[cb].length) (cb++, (ib = 0));
  }
  return true;
}

/** `list` with chunk `at` replaced by `by` (none, one or two chunks). */
function replaced(list: Chunks, at: number, by: (readonly string[])[]): Chunks {
  const out = list.slice();
  out.splice(at, 1, ...by);
  return out;
}

/** The list with `item` inserted at `at` (a position of the list, or its end). */
export function insertAt(list: Chunks, at: Position, item: string): Chunks {
  if (list.length === 0) return [[item]];
  const chunk = list[at.chunk].slice();
  chunk.splice(at.index, 0, item);
  return replaced(list, at.chunk, chunk.length > 2 * CHUNK ? [chunk.slice(0, CHUNK), chunk.slice(CHUNK)] : [chunk]);
}

/** The list without the entry at `at`. */
export function removeAt(list: Chunks, at: Position): Chunks {
  const chunk = list[at.chunk];
  if (chunk.length === 1) return replaced(list, at.chunk, []);
  const without = chunk.slice();
  without.splice(at.index, 1);
  return replaced(list, at.chunk, [without]);
}
