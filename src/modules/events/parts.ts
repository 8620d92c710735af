import type { Db } from '../../db/open.js';
import { newId } from '../../ids.js';
import { flat, joinedEntries, sameEntries, type Chunks } from './chunked-list.js';

// A stored event body may name a large part instead of holding it: MARK, the part's id, MARK.
// A raw control character never occurs in JSON text (JSON.stringify escapes it), so the mark is
// unambiguous, and a body without one is stored as sent.
const MARK = '\u0001';

/**
 * Parts shorter than this stay in the body: storing and naming them would cost more than they
 * save. About eight targets: a flag's lists are written again and again by a suite (a target
 * added, then removed), and each inline copy is fresh memory the in-memory database must grow by.
 */
export const PART_MIN_CHARS = 512;

/**
 * Lists remembered per owner (a flag) to find a part again: a write and its undo list the same
 * targets, and a suite cycling a few users through a flag's targets lists the same few lists
 * again (with 2, a flag seeing 5 users in turn stored a new part on nearly every write).
 */
const RECENT_PER_OWNER = 6;
/**
 * Entries of remembered parts at once, each chunk counted once per owner: a part's pieces are
 * the chunked lists it was made from, whose chunks the flags' kept target lists and a flag's
 * consecutive lists share, so a flag's lists cost about one list and a chunk per other list. The
 * bound must hold the lists a suite's writes go back to: a large flag's list has ~1,000 entries,
 * and a cycle of writes over 500 such flags in one environment that overflowed a smaller bound
 * found nothing again and stored a whole list for every write.
 */
const RECENT_MAX_ENTRIES = 4_000_000;
/**
 * Deltas in a row before a part is stored whole again: a reader applies at most this many splices
 * to rebuild a part, and a writer stores a whole part once in this many writes.
 */
export const MAX_DELTAS = 16;

interface RecentPart {
  id: string;
  pieces: readonly Piece[];
  length: number;
  /** Deltas from the last whole part it is rebuilt from; 0 when stored whole. */
  deltas: number;
}

/**
 * One piece of a part: items whose JSON is the items joined with commas (a list's entries), as a
 * chunked list (chunked-list.ts), not their joined text: a list that changed by one target shares
 * every other chunk with the last one, so comparing and diffing them touches one chunk's items and
 * no characters, and the part's whole text is built only when it is stored whole.
 */
export type Piece = Chunks;

/** One splice of a base part's JSON: at `at`, `remove` characters give way to `insert`. */
type Splice = [at: number, remove: number, insert: string];

/** Entries of the parts' distinct chunks (by reference): what remembering them holds. */
function distinctEntries(parts: readonly RecentPart[]): number {
  const seen = new Set<readonly string[]>();
  let n = 0;
  for (const part of parts) {
    for (const piece of part.pieces) {
      for (const chunk of piece) {
        if (seen.has(chunk)) continue;
        seen.add(chunk);
        n += chunk.length;
      }
    }
  }
  return n;
}

/** Characters of a piece's JSON. */
function pieceLength(piece: Piece): number {
  let chars = 0;
  let items = 0;
  for (const chunk of piece) {
    for (const item of chunk) chars += item.length;
    items += chunk.length;
  }
  return chars + Math.max(0, items - 1);
}

/** The JSON of a part: frame[0] + pieces[0] + frame[1] + … + pieces[n - 1] + frame[n]. */
const joined = (frame: readonly string[], pieces: readonly Piece[]) => frame.reduce((out, f, i) => (i === 0 ? f : out + joinedEntries(pieces[i - 1]) + f), '');

/**
 * Characters of items[from..to) as a piece's JSON holds them, each with the comma before it but
 * the piece's item 0 (`first`: the index in the piece of items[0]).
 */
function tokens(items: readonly string[], first: number, from: number, to: number): number {
  let chars = 0;
  for (let k = from; k < to; k++) chars += first + k === 0 ? items[k].length : items[k].length + 1;
  return chars;
}

/**
 * The splices that turn the base's JSON into the new one, piece by piece, at offsets of the base's
 * JSON. The chunks both share at the start and at the end (the same arrays) are left; of the
 * chunks between, read as tokens (item k with the comma before it when k > 0 in the piece), the
 * items both share at the start and at the end are left and the tokens between replaced. A shared
 * end never reaches item 0 of either piece, where the tokens differ by that comma.
 */
function splicesFrom(frame: readonly string[], base: readonly Piece[], pieces: readonly Piece[]): Splice[] {
  const splices: Splice[] = [];
  let offset = 0;
  for (let i = 0; i < pieces.length; i++) {
    offset += frame[i].length;
    const [was, now] = [base[i], pieces[i]];
    if (!sameEntries(was, now)) {
      const shorter = Math.min(was.length, now.length);
      let a = 0;
      while (a < shorter && was[a] === now[a]) a++;
      let z = 0;
      while (z < shorter - Math.max(a, 1) && was[was.length - 1 - z] === now[now.length - 1 - z]) z++;
      let first = 0; // the index in the piece of the first item after the shared chunks
      let at = offset;
      for (let c = 0; c < a; c++) {
        at += tokens(was[c], first, 0, was[c].length);
        first += was[c].length;
      }
      const wasItems = flat(was.slice(a, was.length - z));
      const nowItems = flat(now.slice(a, now.length - z));
      const shorterItems = Math.min(wasItems.length, nowItems.length);
      let start = 0;
      while (start < shorterItems && wasItems[start] === nowItems[start]) start++;
      let end = 0;
      const endMax = shorterItems - (first === 0 ? Math.max(start, 1) : start);
      while (end < endMax && wasItems[wasItems.length - 1 - end] === nowItems[nowItems.length - 1 - end]) end++;
      at += tokens(wasItems, first, 0, start);
      const remove = tokens(wasItems, first, start, wasItems.length - end);
      let insert = '';
      for (let k = start; k < nowItems.length - end; k++) insert += first + k === 0 ? nowItems[k] : `,${nowItems[k]}`;
      splices.push([at, remove, insert]);
    }
    offset += pieceLength(was);
  }
  return splices;
}

/**
 * The write side: `ref` gives what a body holds in place of a part. A long part is stored once
 * per environment and found again among its owner's last ones; a part found is checked to still
 * exist (a rollback, a reset or a restore may have removed it), so a body never names a part
 * that is not there. A new part that differs a little from its owner's last one (a target added
 * or removed) is stored as splices of it: MARK, the base's id, MARK, then the splices as JSON.
 * A base is older than every delta of it, so whatever removes a base (a reset, a restore, a
 * rollback) removes its deltas too. Call inside the transaction that stores the body.
 */
export function createPartWriter(db: Db, { maxEntries = RECENT_MAX_ENTRIES }: { maxEntries?: number } = {}) {
  const insert = db.prepare<[string, string, string]>('INSERT INTO event_parts (environment_id, id, json) VALUES (?, ?, ?)');
  const exists = db.prepare<[string, string], number>('SELECT 1 FROM event_parts WHERE environment_id = ? AND id = ?').pluck();
  // Per owner, its last parts, most recently used first; owners least recently used first.
  const recent = new Map<string, RecentPart[]>();
  const held = new Map<string, number>(); // per owner, the entries of the distinct chunks of its parts
  let heldAll = 0;
  const same = (a: readonly Piece[], b: readonly Piece[]) => a.length === b.length && a.every((x, i) => sameEntries(x, b[i]));

  /** The part stored as splices of `base`, or undefined when it is better stored whole. */
  const asDelta = (environmentId: string, base: RecentPart | undefined, frame: readonly string[], pieces: readonly Piece[], length: number) => {
    if (!base || base.deltas >= MAX_DELTAS || base.pieces.length !== pieces.length || exists.get(environmentId, base.id) === undefined) return undefined;
    const splices = splicesFrom(frame, base.pieces, pieces);
    const text = MARK + base.id + MARK + JSON.stringify(splices);
    return text.length * 4 < length ? text : undefined;
  };

  return {
    /**
     * The part whose JSON is frame[0] + pieces[0] + frame[1] + … + frame[n] (each piece's items
     * joined with commas): that JSON itself when short, else the mark of the stored part. Items
     * are compared, not the JSON, so a part found again (or stored as a delta) costs no rendering.
     */
    ref(environmentId: string, owner: string, frame: readonly string[], pieces: readonly Piece[]): string {
      if (frame.length !== pieces.length + 1) throw new Error('parts: a frame has one string more than the pieces it holds');
      const length = pieces.reduce((n, piece) => n + pieceLength(piece), 0);
      if (length < PART_MIN_CHARS) return joined(frame, pieces);
      const key = `${environmentId} ${owner}`;
      const known = recent.get(key) ?? [];
      for (const part of known) {
        if (part.length === length && same(part.pieces, pieces) && exists.get(environmentId, part.id) !== undefined) {
          // The last one used goes first: the next write's list is a delta of it, and the write after lists it as its before.
          recent.delete(key);
          recent.set(key, part === known[0] ? known : [part, ...known.filter((p) => p !== part)]);
          return MARK + part.id + MARK;
        }
      }
      const id = newId('eventPart');
      const delta = asDelta(environmentId, known[0], frame, pieces, length);
      insert.run(environmentId, id, delta ?? joined(frame, pieces));
      const parts = [{ id, pieces, length, deltas: delta === undefined ? 0 : known[0].deltas + 1 }, ...known.slice(0, RECENT_PER_OWNER - 1)];
      const cost = distinctEntries(parts);
      heldAll += cost - (held.get(key) ?? 0);
      held.set(key, cost);
      recent.delete(key);
      // Past the bound, the owners least recently used are forgotten (their next write stores its list whole).
      for (const other of recent.keys()) {
        if (heldAll <= maxEntries) break;
        recent.delete(other);
        heldAll -= held.get(other)!;
        held.delete(other);
      }
      recent.set(key, parts);
      return MARK + id + MARK;
    },
  };
}

/** Characters of rebuilt parts a reader keeps: the events of one flag rebuild from the same bases. */
const REBUILT_MAX_CHARS = 16 * 1024 * 1024;

/** The read side: a stored body as the event is sent, with each part it names in place. */
export function createPartReader(db: Db) {
  const byId = db.prepare<[string, string], string>('SELECT json FROM event_parts WHERE environment_id = ? AND id = ?').pluck();
  // Parts never change once stored and ids are never reused, so a rebuilt part stays right.
  const rebuilt = new Map<string, string>();
  let rebuiltChars = 0;
  const part = (environmentId: string, id: string, depth = 0): string => {
    const key = `${environmentId} ${id}`;
    const known = rebuilt.get(key);
    if (known !== undefined) return known;
    const stored = byId.get(environmentId, id);
    if (stored === undefined) throw new Error(`event body names a missing part ${id}`);
    if (!stored.startsWith(MARK)) return stored;
    if (depth > MAX_DELTAS) throw new Error(`event part ${id} is more than ${MAX_DELTAS} deltas from a whole one`);
    const end = stored.indexOf(MARK, 1);
    let json = part(environmentId, stored.slice(1, end), depth + 1);
    const splices = JSON.parse(stored.slice(end + 1)) as Splice[];
    // Offsets are of the base: the last splice first, so earlier ones keep theirs.
    for (let i = splices.length - 1; i >= 0; i--) {
      const [at, remove, insert] = splices[i];
      json = json.slice(0, at) + insert + json.slice(at + remove);
    }
    if (rebuiltChars + json.length > REBUILT_MAX_CHARS) {
      rebuilt.clear();
      rebuiltChars = 0;
    }
    rebuilt.set(key, json);
    rebuiltChars += json.length;
    return json;
  };
  return {
    expand(environmentId: string, body: string): string {
      if (!body.includes(MARK)) return body;
      const pieces = body.split(MARK);
      // Odd pieces are part ids.
      for (let i = 1; i < pieces.length; i += 2) pieces[i] = part(environmentId, pieces[i]);
      return pieces.join('');
    },
  };
}
