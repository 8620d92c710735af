import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';

/** spec: flag.rule_updated's `configured_targets`. */
export interface ConfiguredTargets {
  organizations: { id: string; name: string }[];
  users: { id: string; email: string }[];
}

/** One configured target, in the order flag events list them (created_at, then id). */
interface Configured {
  type: 'user' | 'organization';
  id: string;
  /** The organization's name or the user's email. */
  label: string;
  created_at: string;
  /** This target as configured_targets lists it, as JSON (`{"id","name"}` or `{"id","email"}`). */
  json: string;
}

interface Row {
  target_id: string;
  target_type: 'user' | 'organization';
  created_at: string;
  value: number;
  name: string | null;
  email: string | null;
}

const FROM = `FROM flag_targets t
  JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id
  LEFT JOIN organizations o ON t.target_type = 'organization' AND o.environment_id = t.environment_id AND o.id = t.target_id
  LEFT JOIN users u ON t.target_type = 'user' AND u.environment_id = t.environment_id AND u.id = t.target_id`;
const COLUMNS = 't.target_id, t.target_type, t.created_at, r.value, o.name, u.email';

const configured = (row: Row): Configured => {
  const label = (row.target_type === 'organization' ? row.name : row.email) ?? '';
  return {
    type: row.target_type,
    id: row.target_id,
    label,
    created_at: row.created_at,
    json: JSON.stringify(row.target_type === 'organization' ? { id: row.target_id, name: label } : { id: row.target_id, email: label }),
  };
};
const before = (a: Configured, b: Configured) => a.created_at < b.created_at || (a.created_at === b.created_at && a.id < b.id);

function shape(list: readonly Configured[]): ConfiguredTargets {
  const out: ConfiguredTargets = { organizations: [], users: [] };
  for (const t of list) {
    if (t.type === 'organization') out.organizations.push({ id: t.id, name: t.label });
    else out.users.push({ id: t.id, email: t.label });
  }
  return out;
}

/** JSON.stringify(shape(list)), from each target's kept JSON: a large flag's list is ~60 KB of JSON, in every event twice. */
function jsonOf(list: readonly Configured[]): string {
  const organizations: string[] = [];
  const users: string[] = [];
  for (const t of list) (t.type === 'organization' ? organizations : users).push(t.json);
  return `{"organizations":[${organizations.join(',')}],"users":[${users.join(',')}]}`;
}

/** Whether two answers list the same targets, in the same order, with the same names and emails. */
export function sameTargets(a: ConfiguredTargets, b: ConfiguredTargets): boolean {
  if (a === b) return true;
  const same = <T extends { id: string }>(x: T[], y: T[], label: (t: T) => string) =>
    x.length === y.length && x.every((t, i) => t.id === y[i].id && label(t) === label(y[i]));
  return same(a.organizations, b.organizations, (t) => t.name) && same(a.users, b.users, (t) => t.email);
}

/**
 * A flag's configured targets (those it is on for: the members of its user and organization
 * rules that serve true) with the organization's name or the user's email the event carries, in
 * the order they were added. Reads the tables (events describe the state, whatever wrote it),
 * and keeps each flag's list until its rules or targets, or any user or organization, change:
 * flag events carry the list twice (before and after), and a flag may have thousands of targets.
 */
export function createFlagTargetReader(db: Db) {
  // One statement per target type, merged in JS: with the type fixed, each row joins only the
  // table it names (the one statement over both types searched both for every row: a fifth of a
  // large flag's first read, ~1,000 targets).
  const ofType = (type: 'user' | 'organization') =>
    db.prepare<[string, string], Row>(
      `SELECT ${COLUMNS} ${FROM}
       WHERE t.environment_id = ? AND t.flag_id = ? AND t.target_type = '${type}' AND r.value = 1
       ORDER BY t.created_at, t.target_id`,
    );
  const usersOf = ofType('user');
  const organizationsOf = ofType('organization');
  /** The flag's configured targets in (created_at, id) order (`before`), as one ORDER BY over both types gives them. */
  const all = (environmentId: string, flagId: string): Configured[] => {
    const users = usersOf.all(environmentId, flagId).map(configured);
    const organizations = organizationsOf.all(environmentId, flagId).map(configured);
    if (organizations.length === 0) return users;
    if (users.length === 0) return organizations;
    const out: Configured[] = [];
    let i = 0;
    let j = 0;
    while (i < users.length && j < organizations.length) out.push(before(organizations[j], users[i]) ? organizations[j++] : users[i++]);
    return out.concat(users.slice(i), organizations.slice(j));
  };
  // One target's membership, by the whole primary key (without its type SQLite walked every target
  // of the flag: ~1,000 on a large one). One target is in at most one rule of a flag.
  const one = db.prepare<[string, string, string, string], Row>(
    `SELECT ${COLUMNS} ${FROM} WHERE t.environment_id = ? AND t.flag_id = ? AND t.target_type = ? AND t.target_id = ?`,
  );
  const kept = createKeptMap<readonly Configured[]>(db, { until: 'scopes', entries: 10_000 });
  const keep = (environmentId: string, flagId: string, list: readonly Configured[]) =>
    kept.set(environmentId, `${environmentId} ${flagId}`, list, { scopes: [`targets ${flagId}`, 'names'] });
  // The list each answer was shaped from, so the answer after a one-target write can be derived
  // from it, and each list's answer (shaped once: a write's "before" is the last write's "after").
  // Answers are shared, so never changed: callers only read them.
  const lists = new WeakMap<ConfiguredTargets, { flagId: string; list: readonly Configured[] }>();
  const answers = new WeakMap<readonly Configured[], ConfiguredTargets>();
  const answer = (flagId: string, list: readonly Configured[]) => {
    let out = answers.get(list);
    if (out === undefined || lists.get(out)!.flagId !== flagId) {
      out = shape(list);
      lists.set(out, { flagId, list });
      answers.set(list, out);
    }
    return out;
  };
  const jsons = new WeakMap<readonly Configured[], string>();

  const listOf = (environmentId: string, flagId: string): readonly Configured[] => {
    const found = kept.get(`${environmentId} ${flagId}`);
    if (found) return found;
    const list = Object.freeze(all(environmentId, flagId));
    keep(environmentId, flagId, list);
    return list;
  };

  const configuredTargets = (environmentId: string, flagId: string): ConfiguredTargets => answer(flagId, listOf(environmentId, flagId));

  return {
    configuredTargets,
    /** JSON.stringify(targets), from kept parts when `targets` is an answer of this reader. */
    json(targets: ConfiguredTargets): string {
      const from = lists.get(targets);
      if (!from) return JSON.stringify(targets);
      let json = jsons.get(from.list);
      if (json === undefined) {
        json = jsonOf(from.list);
        jsons.set(from.list, json);
      }
      return json;
    },
    /**
     * The configured targets after a write that changed only `targetId`'s membership of the flag
     * (a `targetType` target), from `previous` (this reader's answer before the write) and that one
     * membership: one row read, not the flag's every target. Returns `previous` itself when nothing changed.
     */
    afterTargetWrite(environmentId: string, flagId: string, previous: ConfiguredTargets, targetType: string, targetId: string): ConfiguredTargets {
      const from = lists.get(previous);
      if (!from || from.flagId !== flagId || (targetType !== 'user' && targetType !== 'organization')) return configuredTargets(environmentId, flagId);
      const row = one.get(environmentId, flagId, targetType, targetId);
      const now = row && row.value === 1 ? configured(row) : undefined;
      const was = from.list.find((t) => t.id === targetId);
      if (was && now && was.type === now.type && was.label === now.label && was.created_at === now.created_at) return previous;
      if (!was && !now) return previous;
      const list = from.list.filter((t) => t.id !== targetId);
      if (now) {
        let i = list.length;
        while (i > 0 && before(now, list[i - 1])) i--;
        list.splice(i, 0, now);
      }
      Object.freeze(list);
      keep(environmentId, flagId, list);
      return answer(flagId, list);
    },
  };
}

export type FlagTargetReader = ReturnType<typeof createFlagTargetReader>;
