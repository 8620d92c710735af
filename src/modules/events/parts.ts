import type { Db } from '../../db/open.js';
import { newId } from '../../ids.js';

// A stored event body may name a large part instead of holding it: MARK, the part's id, MARK.
// A raw control character never occurs in JSON text (JSON.stringify escapes it), so the mark is
// unambiguous, and a body without one is stored as sent.
const MARK = '\u0001';

/** Parts shorter than this stay in the body: storing and naming them would cost more than they save. */
export const PART_MIN_CHARS = 2048;

/** Lists remembered per owner (a flag) to find a part again: a write and its undo list the same targets. */
const RECENT_PER_OWNER = 2;
/** Characters of remembered parts at once (they are shared with the lists they were made from). */
const RECENT_MAX_CHARS = 32 * 1024 * 1024;

/**
 * The write side: `ref` gives what a body holds in place of a part. A long part is stored once
 * per environment and found again among its owner's last ones; a part found is checked to still
 * exist (a rollback, a reset or a restore may have removed it), so a body never names a part
 * that is not there. Call inside the transaction that stores the body.
 */
export function createPartWriter(db: Db) {
  const insert = db.prepare<[string, string, string]>('INSERT INTO event_parts (environment_id, id, json) VALUES (?, ?, ?)');
  const exists = db.prepare<[string, string], number>('SELECT 1 FROM event_parts WHERE environment_id = ? AND id = ?').pluck();
  const recent = new Map<string, { id: string; pieces: readonly string[]; length: number }[]>();
  let chars = 0;
  const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x.length === b[i].length && x === b[i]);

  return {
    /**
     * The part `pieces` make (their JSON is `json()`, which they determine): the JSON itself when
     * short, else the mark of the stored part. Pieces are compared, not the JSON, so a part found
     * again costs no rendering.
     */
    ref(environmentId: string, owner: string, pieces: readonly string[], json: () => string): string {
      const length = pieces.reduce((n, piece) => n + piece.length, 0);
      if (length < PART_MIN_CHARS) return json();
      const key = `${environmentId} ${owner}`;
      const known = recent.get(key) ?? [];
      for (const part of known) {
        if (part.length === length && same(part.pieces, pieces) && exists.get(environmentId, part.id) !== undefined) return MARK + part.id + MARK;
      }
      const id = newId('eventPart');
      insert.run(environmentId, id, json());
      let older = known;
      if (chars + length > RECENT_MAX_CHARS) {
        recent.clear();
        chars = 0;
        older = [];
      }
      for (const part of older.slice(RECENT_PER_OWNER - 1)) chars -= part.length;
      chars += length;
      recent.set(key, [{ id, pieces, length }, ...older.slice(0, RECENT_PER_OWNER - 1)]);
      return MARK + id + MARK;
    },
  };
}

/** The read side: a stored body as the event is sent, with each part it names in place. */
export function createPartReader(db: Db) {
  const byId = db.prepare<[string, string], string>('SELECT json FROM event_parts WHERE environment_id = ? AND id = ?').pluck();
  return {
    expand(environmentId: string, body: string): string {
      if (!body.includes(MARK)) return body;
      const pieces = body.split(MARK);
      // Odd pieces are part ids.
      for (let i = 1; i < pieces.length; i += 2) {
        const json = byId.get(environmentId, pieces[i]);
        if (json === undefined) throw new Error(`event body names a missing part ${pieces[i]}`);
        pieces[i] = json;
      }
      return pieces.join('');
    },
  };
}
