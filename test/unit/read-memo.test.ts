import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/open.js';
import { createReadMemo } from '../../src/db/read-memo.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// Evaluated pages and key owners are kept between requests until the database may have changed:
// a write through the API, a write that rolled back, or a commit by another connection to the
// same file must all show on the very next request.

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const KEY = 'sk_test_memo';
const clock = fixedClock('2026-01-15T12:00:00.000Z');

let open: Flagstand | undefined;
let dir: string | undefined;
afterEach(async () => {
  await open?.app.close();
  open = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(db = ':memory:'): Promise<Flagstand> {
  open = await createFlagstand({
    db,
    clock,
    logLevel: 'silent',
    seed: {
      api_keys: [KEY],
      organizations: [{ id: ORG, name: 'Acme' }],
      users: [{ id: USER, email: 'ada@example.com' }],
      organization_memberships: [{ user_id: USER, organization_id: ORG }],
      feature_flags: [
        { slug: 'beta', enabled: true, default_value: false, targets: [ORG] },
        { slug: 'gamma', enabled: true, default_value: true },
      ],
    },
  });
  return open;
}

const get = (f: Flagstand, url: string, key = KEY) => f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } });
const slugs = async (f: Flagstand, url: string) => (await get(f, url)).json().data.map((flag: { slug: string }) => flag.slug);
const userFlags = `/user_management/users/${USER}/feature-flags`;
const orgFlags = `/organizations/${ORG}/feature-flags`;

describe('kept pages and keys', () => {
  it('show a write through the API on the next request', async () => {
    const f = await start();
    expect(await slugs(f, userFlags)).toEqual(['gamma', 'beta']);
    expect(await slugs(f, orgFlags)).toEqual(['gamma', 'beta']);
    const res = await f.app.inject({ method: 'DELETE', url: `/feature-flags/beta/targets/${ORG}`, headers: { authorization: `Bearer ${KEY}` } });
    expect(res.statusCode).toBe(204);
    expect(await slugs(f, userFlags)).toEqual(['gamma']);
    expect(await slugs(f, orgFlags)).toEqual(['gamma']);
    await f.app.inject({ method: 'PUT', url: '/feature-flags/gamma/disable', headers: { authorization: `Bearer ${KEY}` } });
    expect(await slugs(f, userFlags)).toEqual([]);
    expect(await slugs(f, orgFlags)).toEqual([]);
    expect(await slugs(f, '/feature-flags?order=asc')).toEqual(['beta', 'gamma']);
  });

  it('keep apart the same id asked for as a user and as an organization', async () => {
    const f = await start();
    expect((await get(f, `/organizations/${USER}/feature-flags`)).statusCode).toBe(404);
    expect((await get(f, userFlags)).statusCode).toBe(200);
    expect((await get(f, `/user_management/users/${ORG}/feature-flags`)).statusCode).toBe(404);
    expect((await get(f, orgFlags)).statusCode).toBe(200);
  });

  it('show commits by another connection to the same file: targets, memberships, keys', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-memo-'));
    const file = join(dir, 'db.sqlite');
    const f = await start(file);
    expect(await slugs(f, userFlags)).toEqual(['gamma', 'beta']);
    const other = new Database(file);
    other.prepare("UPDATE organization_memberships SET status = 'inactive'").run();
    expect(await slugs(f, userFlags)).toEqual(['gamma']);
    other.prepare('DELETE FROM flag_targets').run();
    expect(await slugs(f, orgFlags)).toEqual(['gamma']);
    other.prepare('DELETE FROM environment_api_keys WHERE key = ?').run(KEY);
    other.close();
    expect((await get(f, userFlags)).statusCode).toBe(401);
  });

  it('answer an unknown key 401 again after it was added', async () => {
    const f = await start();
    expect((await get(f, userFlags, 'sk_test_later')).statusCode).toBe(401);
    f.stores.environments.addKey(f.environments[0].id, 'sk_test_later');
    expect((await get(f, userFlags, 'sk_test_later')).statusCode).toBe(200);
  });
});

describe('createReadMemo', () => {
  const setUp = () => {
    const db = openDatabase(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    const count = db.prepare('SELECT count(*) FROM t').pluck();
    let computed = 0;
    const memo = createReadMemo<number>(db, 2);
    const read = (key = 'k') => memo(key, () => (computed++, count.get() as number));
    return { db, read, computed: () => computed };
  };

  it('computes once while nothing changes, again after a write', () => {
    const { db, read, computed } = setUp();
    expect([read(), read()]).toEqual([0, 0]);
    expect(computed()).toBe(1);
    db.prepare('INSERT INTO t VALUES (1)').run();
    expect(read()).toBe(1);
    expect(computed()).toBe(2);
    db.close();
  });

  it('keeps nothing read inside a transaction, which may roll back', () => {
    const { db, read } = setUp();
    const failing = db.transaction(() => {
      db.prepare('INSERT INTO t VALUES (1)').run();
      expect(read()).toBe(1);
      throw new Error('abort');
    });
    expect(failing).toThrow('abort');
    expect(read()).toBe(0);
    db.close();
  });

  it('starts over past its size', () => {
    const { db, read, computed } = setUp();
    read('a');
    read('b');
    read('c');
    read('a');
    expect(computed()).toBe(4);
    db.close();
  });
});
