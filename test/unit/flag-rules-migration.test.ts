import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// 0011 turns classic targets into rules and memberships. A --db file made before it (migrations
// up to 0010, classic targets written as that schema had them) upgrades in place on start-up and
// keeps every target's meaning: the REST lists, the v1 poll, byte for byte what the classic model
// gave (computed here from the pre-migration rows with the classic rule), and v2 agrees.

const ENV = 'environment_01HX0000000000000000000001';
const KEY = 'sk_test_migrated';
const T0 = Date.UTC(2026, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

let dir: string | undefined;
let flagstand: Flagstand | undefined;
afterEach(async () => {
  await flagstand?.app.close();
  flagstand = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function lcg(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const USERS = Array.from({ length: 6 }, (_, i) => pinnedId('user', i + 1));
const ORGS = Array.from({ length: 4 }, (_, i) => pinnedId('organization', i + 1));
const random = lcg(11);
const MEMBERSHIPS = USERS.flatMap((u, i) =>
  ORGS.filter((_, j) => (i + j) % 2 === 0).map((o, j) => ({ user: u, org: o, status: j === 1 && i % 3 === 0 ? 'inactive' : 'active' })),
);
const FLAGS = Array.from({ length: 16 }, (_, i) => ({
  id: pinnedId('flag', i + 1),
  slug: `flag-${i}`,
  enabled: random() < 0.8,
  default_value: random() < 0.5,
  created_at: at(i),
  targets: [...USERS, ...ORGS]
    .filter(() => random() < 0.35)
    .map((id, k) => ({ id, type: id.startsWith('user_') ? 'user' : 'organization', enabled: random() < 0.6, created_at: at(100 + ((k * 7) % 5)) })),
}));

/** A database file as flagstand wrote it before 0011. */
function writeOldFile(path: string): void {
  const db = openDatabase(path);
  migrate(db, readMigrations().filter((m) => m.version <= 10));
  db.prepare('INSERT INTO environments (id, public_id, name, created_at) VALUES (?, ?, ?, ?)').run(ENV, ENV, 'default', at(0));
  db.prepare('INSERT INTO environment_api_keys (key, environment_id) VALUES (?, ?)').run(KEY, ENV);
  for (const [i, id] of ORGS.entries()) {
    db.prepare('INSERT INTO organizations (environment_id, id, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(ENV, id, `Org ${i}`, at(0), at(0));
  }
  for (const [i, id] of USERS.entries()) {
    db.prepare('INSERT INTO users (environment_id, id, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(ENV, id, `u${i}@example.com`, at(0), at(0));
  }
  for (const [i, m] of MEMBERSHIPS.entries()) {
    db.prepare(
      'INSERT INTO organization_memberships (environment_id, id, user_id, organization_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(ENV, pinnedId('membership', i + 1), m.user, m.org, m.status, at(0), at(0));
  }
  for (const f of FLAGS) {
    db.prepare(
      'INSERT INTO feature_flags (environment_id, id, slug, name, enabled, default_value, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(ENV, f.id, f.slug, f.slug, f.enabled ? 1 : 0, f.default_value ? 1 : 0, f.created_at, f.created_at);
    for (const t of f.targets) {
      db.prepare(
        'INSERT INTO flag_targets (environment_id, flag_id, resource_id, resource_type, enabled, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ).run(ENV, f.id, t.id, t.type, t.enabled ? 1 : 0, t.created_at);
    }
  }
  db.close();
}

// The classic rule (the oracle): a user's own target decides, else on for any active organization
// (its target, else the default), else the default; a disabled flag is off.
type F = (typeof FLAGS)[number];
const targetOf = (f: F, id: string) => f.targets.find((t) => t.id === id)?.enabled;
const onForOrg = (f: F, org: string) => f.enabled && (targetOf(f, org) ?? f.default_value);
function onForUser(f: F, user: string): boolean {
  if (!f.enabled) return false;
  const own = targetOf(f, user);
  if (own !== undefined) return own;
  const orgs = MEMBERSHIPS.filter((m) => m.user === user && m.status === 'active').map((m) => m.org);
  return orgs.length === 0 ? f.default_value : orgs.some((o) => onForOrg(f, o));
}

/** The v1 poll the classic model served: targets by flag, then creation, then id. */
function classicV1(): string {
  const doc: Record<string, unknown> = {};
  for (const f of [...FLAGS].sort((a, b) => (a.created_at < b.created_at ? -1 : 1))) {
    const sorted = [...f.targets].sort((a, b) => (a.created_at !== b.created_at ? (a.created_at < b.created_at ? -1 : 1) : a.id < b.id ? -1 : 1));
    const of = (type: string) => sorted.filter((t) => t.type === type).map((t) => ({ id: t.id, enabled: t.enabled }));
    doc[f.slug] = { slug: f.slug, enabled: f.enabled, default_value: f.default_value, targets: { users: of('user'), organizations: of('organization') } };
  }
  return JSON.stringify(doc);
}

describe('migration 0011 (classic targets → rules and memberships) on an existing --db file', () => {
  it('upgrades in place and keeps every target’s meaning', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-0011-'));
    const file = join(dir, 'old.sqlite');
    writeOldFile(file);
    flagstand = await createFlagstand({ db: file, logLevel: 'silent' });
    const { app, db } = flagstand;
    const get = async (url: string) => {
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${KEY}` } });
      expect(res.statusCode, url).toBe(200);
      return res;
    };
    const slugs = async (url: string) => ((await get(`${url}?limit=100&order=asc`)).json() as { data: { slug: string }[] }).data.map((f) => f.slug);

    // Every target is a membership of its (type, enabled) rule; user rules come first.
    const targetCount = FLAGS.reduce((n, f) => n + f.targets.length, 0);
    expect(db.prepare('SELECT count(*) FROM flag_targets').pluck().get()).toBe(targetCount);
    for (const f of FLAGS) {
      const rules = db.prepare('SELECT target_type, value, position FROM flag_rules WHERE flag_id = ? ORDER BY position').all(f.id) as {
        target_type: string;
        value: number;
      }[];
      const kinds = new Set(f.targets.map((t) => `${t.type}${t.enabled ? 1 : 0}`));
      expect(rules.map((r) => `${r.target_type}${r.value}`)).toEqual(['user1', 'user0', 'organization1', 'organization0'].filter((k) => kinds.has(k)));
      for (const t of f.targets) {
        const row = db
          .prepare('SELECT r.value, t.id, t.created_at FROM flag_targets t JOIN flag_rules r ON r.id = t.rule_id WHERE t.flag_id = ? AND t.target_id = ?')
          .get(f.id, t.id) as { value: number; id: string; created_at: string };
        expect(row.value).toBe(t.enabled ? 1 : 0);
        expect(row.id).toMatch(/^flag_target_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
        expect(row.created_at).toBe(t.created_at);
      }
    }
    expect(db.pragma('foreign_key_check')).toEqual([]);

    // The REST lists answer what the classic rule gave, for every subject.
    const ordered = [...FLAGS].sort((a, b) => (a.created_at < b.created_at ? -1 : 1));
    for (const org of ORGS) expect(await slugs(`/organizations/${org}/feature-flags`)).toEqual(ordered.filter((f) => onForOrg(f, org)).map((f) => f.slug));
    for (const user of USERS) {
      expect(await slugs(`/user_management/users/${user}/feature-flags`)).toEqual(ordered.filter((f) => onForUser(f, user)).map((f) => f.slug));
    }
    // The v1 poll, byte for byte.
    expect((await get('/sdk/feature-flags')).body).toBe(classicV1());
    // v2 lists every flag with its rules in order, members as stored.
    const v2 = (await get('/sdk/feature-flags?payload_version=2')).json() as { version: number; flags: Record<string, { rules: { conditions: { values: string[] }[] }[] }> };
    expect(v2.version).toBe(2);
    expect(Object.keys(v2.flags).sort()).toEqual(FLAGS.map((f) => f.slug).sort());
    for (const f of FLAGS) {
      expect(v2.flags[f.slug].rules.flatMap((r) => r.conditions[0].values).sort()).toEqual(f.targets.map((t) => t.id).sort());
    }
  });
});
