import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';

// Rows are keyed by a short internal environment id; the admin API and the programmatic API
// speak only the public `environment_…` id (migration 0008, environments/store.ts).

let flagstand: Flagstand | undefined;
let dir: string | undefined;
afterEach(async () => {
  await flagstand?.app.close();
  flagstand = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const KEY = 'sk_test_ids';
const auth = { authorization: `Bearer ${KEY}` };
const SEED = {
  api_keys: [KEY],
  organizations: [{ id: 'org_01HZX5QW0000000000000000A1', name: 'Acme' }],
  feature_flags: [{ slug: 'beta', enabled: true, targets: ['org_01HZX5QW0000000000000000A1'] }],
};

async function call(method: 'GET' | 'POST', url: string, body?: object) {
  const res = await flagstand!.app.inject({ method, url, headers: auth, ...(body && { payload: body }) });
  return { status: res.statusCode, text: res.body, body: JSON.parse(res.body) };
}

/** Every environment id that rows of the environment-scoped tables carry. */
function rowEnvironmentIds(f: Flagstand): Set<string> {
  const tables = f.db
    .prepare<[], { name: string }>(
      `SELECT m.name FROM sqlite_schema m WHERE m.type = 'table'
       AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'environment_id')`,
    )
    .pluck()
    .all() as unknown as string[];
  const ids = new Set<string>();
  for (const table of tables) {
    for (const id of f.db.prepare(`SELECT DISTINCT environment_id FROM ${table}`).pluck().all() as string[]) ids.add(id);
  }
  return ids;
}

describe('environment ids', () => {
  it('keys rows by a short internal id and shows only the public one', async () => {
    flagstand = await createFlagstand({ seed: SEED, logLevel: 'silent' });
    const created = await call('POST', '/_flagstand/environments', { name: 'worker', ...SEED, api_keys: ['sk_test_worker'] });
    expect(created.status).toBe(201);
    const snapshot = await call('POST', '/_flagstand/environments/current/snapshots');
    expect(snapshot.status).toBe(201);
    const listed = await call('GET', '/_flagstand/environments');

    const internal = flagstand.stores.environments.all().map((env) => env.id);
    expect(internal).toHaveLength(2);
    for (const id of internal) expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(rowEnvironmentIds(flagstand)).toEqual(new Set(internal));

    const shown = listed.body.data.map((env: { id: string }) => env.id);
    expect(shown).toEqual([flagstand.environments[0].publicId, created.body.id]);
    for (const id of shown) expect(id).toMatch(/^environment_[0-9A-Z]{26}$/);
    expect(snapshot.body.environment_id).toBe(flagstand.environments[0].publicId);
    for (const text of [created.text, snapshot.text, listed.text]) {
      for (const id of internal) expect(text).not.toContain(id);
    }
    // The public id names the environment in admin paths; the internal one names nothing.
    expect((await call('GET', `/_flagstand/environments/${created.body.id}`)).body.name).toBe('worker');
    expect((await call('GET', `/_flagstand/environments/${internal[1]}`)).status).toBe(404);
    expect((await call('GET', `/_flagstand/environments/${created.body.id}/snapshots`)).body.data).toEqual([]);
  });

  it('a database made before 0008 keeps its environment ids, as public ids and in its rows', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-ids-'));
    const file = join(dir, 'old.db');
    const OLD = 'environment_01HX0000000000000000000001';
    const db = openDatabase(file);
    migrate(db, readMigrations().filter((m) => m.version < 8));
    db.prepare('INSERT INTO environments (id, name, created_at) VALUES (?, ?, ?)').run(OLD, 'default', '2026-01-15T12:00:00.000Z');
    db.prepare('INSERT INTO environment_api_keys (key, environment_id) VALUES (?, ?)').run(KEY, OLD);
    db.close();

    flagstand = await createFlagstand({ db: file, logLevel: 'silent' });
    expect(flagstand.environments).toEqual([{ id: OLD, publicId: OLD, name: 'default', keys: [KEY] }]);
    expect((await call('GET', '/_flagstand/environments/current')).body.id).toBe(OLD);
    expect((await call('GET', `/_flagstand/environments/${OLD}`)).body.name).toBe('default');
    const flag = await call('POST', '/_flagstand/feature-flags', { slug: 'later' });
    expect(flag.status).toBe(201);
    expect(rowEnvironmentIds(flagstand)).toEqual(new Set([OLD]));
    expect((await call('POST', `/_flagstand/environments/${OLD}/reset`)).status).toBe(200);
    expect((await call('GET', '/sdk/feature-flags')).body).toEqual({});
    // A new environment's short id still sorts after the long one.
    const copy = await call('POST', '/_flagstand/environments', { name: 'copy', from_environment: OLD });
    const copyId = flagstand.stores.environments.byPublicId(copy.body.id)!.id;
    expect(copyId).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(copyId > OLD).toBe(true);
  });

  // Each new environment's rows go in at the end of every index, not into the middle.
  it('gives each new environment an id after every id taken, seeded, created or copied', async () => {
    flagstand = await createFlagstand({
      seed: { environments: [{ name: 'a', ...SEED }, { name: 'b', api_keys: ['sk_test_b'] }] },
      logLevel: 'silent',
    });
    await call('POST', '/_flagstand/environments', { name: 'created' });
    await call('POST', '/_flagstand/environments', { name: 'copied', from_environment: 'a' });
    const byCreation = flagstand.stores.environments.all().map((env) => env.id);
    expect(byCreation).toHaveLength(4);
    expect([...byCreation].sort()).toEqual(byCreation);
    for (const id of byCreation) expect(id).toMatch(/^[A-Za-z0-9_-]{8}$/);
    // An environment deleted leaves its id unused; the next still comes after the greatest.
    await call('POST', '/_flagstand/reset');
    await call('POST', '/_flagstand/environments', { name: 'again' });
    const again = flagstand.stores.environments.byName('again')!.id;
    expect(again > byCreation[1]).toBe(true);
  });
});
