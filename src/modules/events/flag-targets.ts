import { createKeptMap } from '../../db/kept-map.js';
import { onFirstUse } from '../../db/on-first-use.js';
import type { Db } from '../../db/open.js';
import { chunked, EMPTY_CHUNKS, insertAt, joinedEntries, removeAt, sameEntries, type Chunks, type Position } from './chunked-list.js';

/** spec: flag.rule_updated's `configured_targets`. */
export interface ConfiguredTargets {
  organizations: { id: string; name: string }[];
  users: { id: string; email: string }[];
}

type TargetType = 'user' | 'organization';

/**
 * One type's configured targets in the order flag events list them (created_at, then id), as
 * parallel chunked lists of strings (chunked-list.ts), cut at the same places: a large flag has
 * ~1,000, and a one-target write derives the next list from this one with a binary search and a
 * change to one chunk of each, never a walk comparing every target nor a copy of them all.
 */
interface Part {
  readonly ids: Chunks;
  readonly createdAt: Chunks;
  /**
   * Each target as configured_targets lists it (`{"id","name"}` or `{"id","email"}`). Never joined
   * here: a list changed by one target shares every other chunk with the last one, and the event
   * parts that store it compare and diff chunks (parts.ts), so a write builds no ~60 KB string.
   */
  readonly jsons: Chunks;
}

/** A flag's configured targets, as this reader keeps them. Shared: never changed, only replaced. */
export interface TargetList {
  readonly flagId: string;
  readonly user: Part;
  readonly organization: Part;
}

const EMPTY: Part = { ids: EMPTY_CHUNKS, createdAt: EMPTY_CHUNKS, jsons: EMPTY_CHUNKS };

// JSON.stringify({ id, email }) (or name), built without the object. Joined, not concatenated:
// a kept list holds ~1,000 of these, and a concatenation is a tree of the parts (about twice the
// memory, and more for the scavenger to copy) where join makes one flat string.
const targetJson = (type: TargetType, id: string, label: string) =>
  ['{"id":', JSON.stringify(id), type === 'organization' ? ',"name":' : ',"email":', JSON.stringify(label), '}'].join('');

/** Whether (createdAt, id) comes after entry `index` of chunk `chunk`. */
const after = (part: Part, chunk: number, index: number, createdAt: string, id: string) => {
  const c = part.createdAt[chunk][index];
  return c < createdAt || (c === createdAt && part.ids[chunk][index] < id);
};

/** The first of 0..n-1 that `before` is false for (n when none): `before` holds for a prefix. */
function firstNotBefore(n: number, before: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where (createdAt, id) stands in the part: its position if there, else where it would go. */
function search(part: Part, createdAt: string, id: string): Position & { found: boolean } {
  const chunks = part.ids.length;
  if (chunks === 0) return { chunk: 0, index: 0, found: false };
  // The first chunk whose last entry is not before it (else the end of the last chunk), then the place in it.
  const chunk = firstNotBefore(chunks, (c) => after(part, c, part.ids[c].length - 1, createdAt, id));
  if (chunk === chunks) return { chunk: chunks - 1, index: part.ids[chunks - 1].length, found: false };
  const index = firstNotBefore(part.ids[chunk].length, (i) => after(part, chunk, i, createdAt, id));
  return { chunk, index, found: part.ids[chunk][index] === id && part.createdAt[chunk][index] === createdAt };
}

const without = (part: Part, at: Position): Part => ({ ids: removeAt(part.ids, at), createdAt: removeAt(part.createdAt, at), jsons: removeAt(part.jsons, at) });

const withTarget = (part: Part, at: Position, id: string, createdAt: string, json: string): Part => ({
  ids: insertAt(part.ids, at, id),
  createdAt: insertAt(part.createdAt, at, createdAt),
  jsons: insertAt(part.jsons, at, json),
});

/** The configured_targets JSON of a list. */
export const targetListJson = (list: TargetList) => `{"organizations":[${joinedEntries(list.organization.jsons)}],"users":[${joinedEntries(list.user.jsons)}]}`;
/** What targetListJson puts around the organizations' and the users' JSON. */
export const TARGET_LIST_FRAME = ['{"organizations":[', '],"users":[', ']}'] as const;

/** Whether two lists name the same targets, in the same order, with the same names and emails. */
export const sameTargetList = (a: TargetList, b: TargetList) =>
  a === b || (sameEntries(a.user.jsons, b.user.jsons) && sameEntries(a.organization.jsons, b.organization.jsons));

/** spec: access_type. `some` while the flag has configured targets, `none` without (docs example). */
export const targetListAccess = (list: TargetList) => (list.user.ids.length || list.organization.ids.length ? 'some' : 'none');

const shapes = new WeakMap<TargetList, ConfiguredTargets>();
/** The list as configured_targets objects (parsed from its JSON, so equal to the event's). Shared: callers only read it. */
export function targetListShape(list: TargetList): ConfiguredTargets {
  let out = shapes.get(list);
  if (out === undefined) {
    out = JSON.parse(targetListJson(list)) as ConfiguredTargets;
    shapes.set(list, out);
  }
  return out;
}

/**
 * A flag's configured targets (those it is on for: the members of its user and organization
 * rules that serve true) with the organization's name or the user's email the event carries, in
 * the order they were added. Reads the tables (events describe the state, whatever wrote it),
 * and keeps each flag's list until its rules or targets change (a target's email or name is its
 * row's label, so renaming a target writes its rows): flag events carry the list twice (before
 * and after), and a flag may have thousands of targets.
 */
export function createFlagTargetReader(db: Db) {
  // Through the flag's one true rule of each type (flag_rules_kind), then that rule's members in
  // the covering flag_targets_rule index, each with its label (migration 0090: the email or name,
  // kept current by triggers), as arrays. Prepared on first use: while a bulk seed load has the
  // indexes dropped, a statement prepared then would walk the table.
  const ofType = (type: TargetType) =>
    onFirstUse(
      db,
      `SELECT t.target_id, t.created_at, t.label
         FROM flag_rules r
         JOIN flag_targets t ON t.environment_id = r.environment_id AND t.rule_id = r.id
         WHERE r.environment_id = ? AND r.flag_id = ? AND r.target_type = '${type}' AND r.value = 1
         ORDER BY t.created_at, t.target_id`,
    );
  const readers = { user: ofType('user'), organization: ofType('organization') };
  const readPart = (type: TargetType, environmentId: string, flagId: string): Part => {
    const rows = readers[type]().raw().all(environmentId, flagId) as [string, string, string | null][];
    if (rows.length === 0) return EMPTY;
    // Targets added together share one created_at (a seed's all do): one string for each run of them.
    let at = '';
    return {
      ids: chunked(rows.map((r) => r[0])),
      createdAt: chunked(rows.map((r) => (r[1] === at ? at : (at = r[1])))),
      jsons: chunked(rows.map((r) => targetJson(type, r[0], r[2] ?? ''))),
    };
  };
  // One target's membership, by the whole primary key (without its type SQLite walked every target
  // of the flag: ~1,000 on a large one). One target is in at most one rule of a flag.
  const one = db.prepare<[string, string, string, string], { created_at: string; value: number; label: string | null }>(
    `SELECT t.created_at, r.value, t.label FROM flag_targets t
       JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id
     WHERE t.environment_id = ? AND t.flag_id = ? AND t.target_type = ? AND t.target_id = ?`,
  );
  const kept = createKeptMap<TargetList>(db, { until: 'scopes', entries: 10_000 });
  const keep = (environmentId: string, list: TargetList) =>
    kept.set(environmentId, `${environmentId} ${list.flagId}`, list, { scopes: [`targets ${list.flagId}`] });

  const listOf = (environmentId: string, flagId: string): TargetList => {
    const found = kept.get(`${environmentId} ${flagId}`);
    if (found) return found;
    const list: TargetList = { flagId, user: readPart('user', environmentId, flagId), organization: readPart('organization', environmentId, flagId) };
    keep(environmentId, list);
    return list;
  };

  return {
    /** The flag's configured targets, kept between writes. */
    list: listOf,

    /** The same, as configured_targets objects. */
    configuredTargets: (environmentId: string, flagId: string): ConfiguredTargets => targetListShape(listOf(environmentId, flagId)),

    /**
     * The configured targets after a write that changed only `targetId`'s membership of the flag
     * (a `targetType` target), from `previous` (this reader's list before the write), `was` (when
     * the target was a configured one before, its created_at) and that one membership read now:
     * one row read, not the flag's every target. Returns `previous` itself when nothing changed.
     */
    afterTargetWrite(environmentId: string, previous: TargetList, targetType: string, targetId: string, was: string | undefined): TargetList {
      if (targetType !== 'user' && targetType !== 'organization') return listOf(environmentId, previous.flagId);
      const part = previous[targetType];
      let at: Position | undefined;
      if (was !== undefined) {
        const found = search(part, was, targetId);
        // Not where the tables say it was: the list is not the one they were read into; read them.
        if (!found.found) return listOf(environmentId, previous.flagId);
        at = found;
      }
      const row = one.get(environmentId, previous.flagId, targetType, targetId);
      const now = row && row.value === 1 ? { createdAt: row.created_at, json: targetJson(targetType, targetId, row.label ?? '') } : undefined;
      if (!at && !now) return previous;
      if (at && now && now.createdAt === part.createdAt[at.chunk][at.index] && now.json === part.jsons[at.chunk][at.index]) return previous;
      let next = at ? without(part, at) : part;
      if (now) next = withTarget(next, search(next, now.createdAt, targetId), targetId, now.createdAt, now.json);
      const list: TargetList = { ...previous, [targetType]: next };
      keep(environmentId, list);
      return list;
    },
  };
}

export type FlagTargetReader = ReturnType<typeof createFlagTargetReader>;
