import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { loadSeed } from '../../src/seed/load.js';
import { readSeedFile } from '../../src/seed/read.js';
import { SeedError } from '../../src/seed/seed-error.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { createStores } from '../../src/stores.js';
import { pinnedId } from '../helpers/ids.js';

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const MEMBERSHIP = pinnedId('membership', 1);
const FLAG = pinnedId('flag', 1);
const CLOCK = '2026-01-15T12:00:00.000Z';

let flagstand: Flagstand | undefined;
let db: Db | undefined;
let dir: string | undefined;
afterEach(async () => {
  await flagstand?.app.close();
  flagstand = undefined;
  db?.close();
  db = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const TABLES = ['environments', 'environment_api_keys', 'organizations', 'organization_domains', 'users', 'organization_memberships', 'feature_flags', 'flag_targets'];

function rowCounts(d: Db): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, (d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]));
}

function freshDb(): Db {
  db = openDatabase(':memory:');
  migrate(db);
  return db;
}

const one = <T>(d: Db, sql: string, ...params: unknown[]) => d.prepare(sql).get(...params) as T;

describe('loading a single-environment seed', () => {
  it('loads every kind of entry with pinned ids, defaults filled in', async () => {
    flagstand = await createFlagstand({
      logLevel: 'silent',
      clock: fixedClock(CLOCK),
      seed: {
        api_keys: ['sk_test_one'],
        organizations: [{ id: ORG, name: 'Acme', domains: ['acme.com'] }],
        users: [{ id: USER, email: 'Ada@Example.com' }],
        organization_memberships: [{ id: MEMBERSHIP, user_id: USER, organization_id: ORG }],
        feature_flags: [{ id: FLAG, slug: 'beta', targets: [USER, { id: ORG, enabled: false }] }, { slug: 'gamma', enabled: true }],
      },
    });
    const d = flagstand.db;
    expect(flagstand.environments).toEqual([{ id: expect.any(String), publicId: expect.stringMatching(/^environment_[0-9A-Z]{26}$/), name: 'default', keys: ['sk_test_one'] }]);
    expect(flagstand.usingFallbackKey).toBe(false);
    expect(rowCounts(d)).toEqual({
      environments: 1,
      environment_api_keys: 1,
      organizations: 1,
      organization_domains: 1,
      users: 1,
      organization_memberships: 1,
      feature_flags: 2,
      flag_targets: 2,
    });
    expect(one(d, 'SELECT id, email FROM users')).toEqual({ id: USER, email: 'ada@example.com' });
    expect(one(d, 'SELECT id, status, role_slug FROM organization_memberships')).toEqual({ id: MEMBERSHIP, status: 'active', role_slug: 'member' });
    expect(one(d, "SELECT * FROM feature_flags WHERE slug = 'beta'")).toMatchObject({
      id: FLAG,
      name: 'beta',
      description: null,
      owner: null,
      tags: '[]',
      enabled: 0,
      default_value: 0,
      created_at: CLOCK,
      updated_at: CLOCK,
    });
    expect(d.prepare('SELECT t.target_id AS resource_id, t.target_type AS resource_type, r.value AS enabled FROM flag_targets t JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id ORDER BY resource_id').all()).toEqual([
      { resource_id: ORG, resource_type: 'organization', enabled: 0 },
      { resource_id: USER, resource_type: 'user', enabled: 1 },
    ]);
    expect((one<{ id: string }>(d, "SELECT id FROM feature_flags WHERE slug = 'gamma'")).id).toMatch(/^flag_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('no seed: one default environment accepting sk_test_default', async () => {
    flagstand = await createFlagstand({ logLevel: 'silent' });
    expect(flagstand.environments).toEqual([{ id: expect.any(String), publicId: expect.stringMatching(/^environment_/), name: 'default', keys: ['sk_test_default'] }]);
    expect(flagstand.usingFallbackKey).toBe(true);
  });

  it.each([
    ['2024-03-01T10:00:00Z', '2024-03-01T10:00:00.000Z'],
    ['2024-03-01T10:00:00+02:00', '2024-03-01T08:00:00.000Z'],
    ['2024-03-01T10:00:00.5-01:00', '2024-03-01T11:00:00.500Z'],
    ['2024-03-01t10:00:00.123z', '2024-03-01T10:00:00.123Z'],
  ])('stores timestamp %s as %s (ISO with ms and Z, so keyset order holds)', async (given, stored) => {
    flagstand = await createFlagstand({
      logLevel: 'silent',
      seed: {
        organizations: [{ id: ORG, name: 'Acme', created_at: given }],
        users: [{ id: USER, email: 'a@example.com', created_at: given, last_sign_in_at: given }],
        organization_memberships: [{ user_id: USER, organization_id: ORG, created_at: given, updated_at: given }],
        feature_flags: [{ slug: 'beta', created_at: given, updated_at: given }],
      },
    });
    const d = flagstand.db;
    expect(one(d, 'SELECT created_at, updated_at FROM organizations')).toEqual({ created_at: stored, updated_at: stored });
    expect(one(d, 'SELECT created_at, updated_at, last_sign_in_at FROM users')).toEqual({
      created_at: stored,
      updated_at: stored,
      last_sign_in_at: stored,
    });
    expect(one(d, 'SELECT created_at, updated_at FROM organization_memberships')).toEqual({ created_at: stored, updated_at: stored });
    expect(one(d, 'SELECT created_at, updated_at FROM feature_flags')).toEqual({ created_at: stored, updated_at: stored });
  });
});

describe('loading a multi-environment seed', () => {
  it('creates each environment with its keys; the same pinned ids live side by side', async () => {
    const env = (name: string | undefined, key: string, enabled: boolean) => ({
      ...(name ? { name } : {}),
      api_keys: [key],
      users: [{ id: USER, email: 'ada@example.com' }],
      feature_flags: [{ id: FLAG, slug: 'beta', enabled, targets: [USER] }],
    });
    flagstand = await createFlagstand({
      logLevel: 'silent',
      apiKeys: ['sk_test_cli'],
      seed: { environments: [env('staging', 'sk_test_a', true), env(undefined, 'sk_test_b', false), env(undefined, 'sk_test_c', false)] },
    });
    expect(flagstand.environments.map((e) => [e.name, e.keys])).toEqual([
      // CLI keys go to the first environment.
      ['staging', ['sk_test_a', 'sk_test_cli']],
      ['environment-2', ['sk_test_b']],
      ['environment-3', ['sk_test_c']],
    ]);
    expect(flagstand.apiKey).toBe('sk_test_a');
    const flags = flagstand.db.prepare('SELECT environment_id, id, enabled FROM feature_flags ORDER BY enabled DESC').all();
    expect(flags).toEqual([
      { environment_id: flagstand.environments[0].id, id: FLAG, enabled: 1 },
      { environment_id: expect.any(String), id: FLAG, enabled: 0 },
      { environment_id: expect.any(String), id: FLAG, enabled: 0 },
    ]);
    expect(rowCounts(flagstand.db).flag_targets).toBe(3);
  });

  it('loads targets given as ids and as objects, in any order, each with its type and state', async () => {
    const [user2, user3, org2] = [pinnedId('user', 2), pinnedId('user', 3), pinnedId('organization', 2)];
    flagstand = await createFlagstand({
      logLevel: 'silent',
      clock: fixedClock(CLOCK),
      seed: {
        organizations: [{ id: ORG, name: 'Acme' }, { id: org2, name: 'Globex' }],
        users: [{ id: USER, email: 'a@example.com' }, { id: user2, email: 'b@example.com' }, { id: user3, email: 'c@example.com' }],
        feature_flags: [
          { id: FLAG, slug: 'beta', created_at: '2025-03-01T10:00:00Z', targets: [{ id: org2, enabled: true }, user3, { id: user2 }, { id: ORG, enabled: false }, { id: USER, enabled: false }] },
        ],
      },
    });
    const rows = flagstand.db
      .prepare('SELECT t.flag_id, t.target_id AS resource_id, t.target_type AS resource_type, r.value AS enabled, t.created_at FROM flag_targets t JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id ORDER BY resource_id')
      .all();
    const row = (resource_id: string, resource_type: string, enabled: number) => ({ flag_id: FLAG, resource_id, resource_type, enabled, created_at: '2025-03-01T10:00:00.000Z' });
    expect(rows).toEqual([
      row(ORG, 'organization', 0),
      row(org2, 'organization', 1),
      row(USER, 'user', 0),
      row(user2, 'user', 1),
      row(user3, 'user', 1),
    ]);
  });

  it('with keys nowhere, the first environment accepts sk_test_default', async () => {
    flagstand = await createFlagstand({ logLevel: 'silent', seed: { environments: [{ name: 'a' }, { name: 'b' }] } });
    expect(flagstand.environments.map((e) => e.keys)).toEqual([['sk_test_default'], []]);
  });
});

describe('invalid seeds are refused, naming the entry, and nothing is loaded', () => {
  const flagWith = (extra: Record<string, unknown>) => ({ feature_flags: [{ slug: 'beta', ...extra }] });
  const BASE = {
    organizations: [{ id: ORG, name: 'Acme' }],
    users: [{ id: USER, email: 'ada@example.com' }],
  };

  it.each([
    ['bad id prefix', { users: [{ id: 'usr_01HX0000000000000000000001', email: 'a@b.co' }] }, "seed: users[0].id: 'usr_01HX0000000000000000000001' is not a valid user id"],
    ['an organization id where a user id belongs', { users: [{ id: ORG, email: 'a@b.co' }] }, `seed: users[0].id: '${ORG}' is not a valid user id`],
    ['id prefix without a ULID', flagWith({ id: 'flag_123' }), "seed: feature_flags[0].id: 'flag_123' is not a valid flag id"],
    ['duplicate pinned id', { feature_flags: [{ id: FLAG, slug: 'a' }, { id: FLAG, slug: 'b' }] }, `seed: feature_flags[1].id: duplicate id '${FLAG}'`],
    ['unknown user target', { ...BASE, ...flagWith({ targets: [pinnedId('user', 9)] }) }, `seed: feature_flags[0] (beta).targets[0]: '${pinnedId('user', 9)}' is not a user of this seed`],
    ['unknown organization target', { ...BASE, ...flagWith({ targets: [USER, { id: pinnedId('organization', 9), enabled: false }] }) }, `seed: feature_flags[0] (beta).targets[1]: '${pinnedId('organization', 9)}' is not an organization of this seed`],
    ['target of another kind', flagWith({ targets: ['conn_1'] }), "seed: feature_flags[0] (beta).targets[0]: 'conn_1' is neither a user_… nor an org_… id"],
    ['duplicate target', { ...BASE, ...flagWith({ targets: [USER, { id: USER, enabled: false }] }) }, `seed: feature_flags[0] (beta).targets[1]: duplicate target '${USER}'`],
    ['duplicate slug', { feature_flags: [{ slug: 'beta' }, { slug: 'gamma' }, { slug: 'beta' }] }, "seed: feature_flags[2].slug: duplicate slug 'beta'"],
    ['unknown field in a flag', flagWith({ colour: 'red' }), "seed: feature_flags[0]: unknown field 'colour'"],
    ['unknown field in a target', { ...BASE, ...flagWith({ targets: [{ id: USER, on: true }] }) }, "seed: feature_flags[0].targets[0]: unknown field 'on'"],
    ['unknown top-level field', { flags: [] }, "seed: unknown field 'flags'"],
    ['wrong type', flagWith({ enabled: 'yes' }), 'seed: feature_flags[0].enabled: must be boolean'],
    ['bad timestamp', flagWith({ created_at: 'yesterday' }), 'seed: feature_flags[0].created_at: must match format "date-time"'],
    ['leap second', { users: [{ email: 'a@b.co', last_sign_in_at: '2016-12-31T23:59:60Z' }] }, "seed: users[0].last_sign_in_at: '2016-12-31T23:59:60Z' is not a readable time"],
    ['membership of an unknown user', { ...BASE, organization_memberships: [{ user_id: pinnedId('user', 9), organization_id: ORG }] }, `seed: organization_memberships[0].user_id: '${pinnedId('user', 9)}' is not a user of this seed`],
    ['membership in an unknown organization', { ...BASE, organization_memberships: [{ user_id: USER, organization_id: pinnedId('organization', 9) }] }, `seed: organization_memberships[0].organization_id: '${pinnedId('organization', 9)}' is not an organization of this seed`],
    ['duplicate email', { users: [{ email: 'a@b.co' }, { email: 'A@B.co' }] }, "seed: users[1].email: duplicate email 'a@b.co'"],
    ['bad api key', { api_keys: ['pk_test_1'] }, 'seed: api_keys[0]'],
    ['not an object', ['a'], 'seed: the document must be an object'],
    ['no environments', { environments: [] }, 'seed: environments: must NOT have fewer than 1 items'],
    ['unknown field in an environment', { environments: [{ name: 'a', colour: 1 }] }, "seed: environments[0]: unknown field 'colour'"],
    ['duplicate environment name', { environments: [{ name: 'a' }, { name: 'a' }] }, "seed: environments[1] (a): duplicate environment name 'a'"],
    ['a key in two environments', { environments: [{ api_keys: ['sk_test_1'] }, { api_keys: ['sk_test_1'] }] }, "seed: environments[1] (environment-2): api key 'sk_test_1' is given twice"],
    [
      'an error in the second environment',
      { environments: [{ name: 'good', ...BASE, feature_flags: [{ slug: 'x' }] }, { name: 'bad', feature_flags: [{ slug: 'x' }, { slug: 'x' }] }] },
      "seed: environments[1] (bad): feature_flags[1].slug: duplicate slug 'x'",
    ],
  ])('%s', (_name, doc, message) => {
    const d = freshDb();
    let error: unknown;
    try {
      loadSeed(d, createStores(d), doc, fixedClock(CLOCK));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect((error as Error).message).toContain(message);
    expect(Object.values(rowCounts(d)).every((n) => n === 0), JSON.stringify(rowCounts(d))).toBe(true);
  });

  it('a file database keeps nothing from a refused seed, and loads a good one next time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-seed-'));
    const path = join(dir, 'flagstand.db');
    await expect(createFlagstand({ db: path, logLevel: 'silent', seed: { feature_flags: [{ slug: 'x' }, { slug: 'x' }] } })).rejects.toThrow(SeedError);
    const after = openDatabase(path);
    expect(rowCounts(after).environments).toBe(0);
    after.close();
    flagstand = await createFlagstand({ db: path, logLevel: 'silent', seed: { feature_flags: [{ slug: 'x' }] } });
    expect(flagstand.seedSkipped).toBe(false);
    expect(rowCounts(flagstand.db).feature_flags).toBe(1);
  });
});

describe('reading seed files', () => {
  const file = (name: string, text: string) => {
    dir ??= mkdtempSync(join(tmpdir(), 'flagstand-seed-'));
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('reads YAML and JSON', () => {
    expect(readSeedFile(file('seed.yaml', 'feature_flags:\n  - slug: beta\n    enabled: true\n'))).toEqual({
      feature_flags: [{ slug: 'beta', enabled: true }],
    });
    expect(readSeedFile(file('seed.json', '{"feature_flags":[{"slug":"beta"}]}'))).toEqual({ feature_flags: [{ slug: 'beta' }] });
  });

  it.each([
    ['bad.yaml', 'feature_flags: [\n  - slug: beta\n', /seed file .*bad\.yaml is not valid YAML/],
    ['bad.yml', 'a: b: c\n', /seed file .*bad\.yml is not valid YAML/],
    ['bad.json', '{"feature_flags": [', /seed file .*bad\.json is not valid JSON/],
  ])('%s is refused with a message naming the file', (name, text, message) => {
    const path = file(name, text);
    expect(() => readSeedFile(path)).toThrow(SeedError);
    expect(() => readSeedFile(path)).toThrow(message);
  });

  it('a missing file is refused with its path', () => {
    expect(() => readSeedFile('/nonexistent/seed.yaml')).toThrow(/cannot read seed file \/nonexistent\/seed\.yaml/);
  });

  it('a bad YAML seed given to the server loads nothing', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-seed-'));
    const path = join(dir, 'flagstand.db');
    await expect(createFlagstand({ db: path, seed: file('broken.yaml', 'users: [\n'), logLevel: 'silent' })).rejects.toThrow(/not valid YAML/);
    const after = openDatabase(path);
    expect(rowCounts(after).environments).toBe(0);
    after.close();
  });
});
