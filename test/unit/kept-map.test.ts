import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { openDatabase } from '../../src/db/open.js';
import { changeFeedOf, feedTriggerNames, installChangeFeed, RULES } from '../../src/db/change-feed.js';
import { createKeptMap } from '../../src/db/kept-map.js';
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

  it("show a flag's new default on the members whose rules decide it, and a toggle of it, on the next request", async () => {
    const f = await start();
    const patch = (url: string, payload: object) => f.app.inject({ method: 'PATCH', url, payload, headers: { authorization: `Bearer ${KEY}` } });
    const put = (url: string) => f.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${KEY}` } });
    // beta is on for ORG (so for USER, its member) by its rule, whatever its default.
    expect((await patch('/_flagstand/feature-flags/beta', { default_value: true })).statusCode).toBe(200);
    expect(await slugs(f, userFlags)).toEqual(['gamma', 'beta']);
    expect(await slugs(f, orgFlags)).toEqual(['gamma', 'beta']);
    // Read while the default agreed with the rule; a default that no longer does must still list it.
    expect((await patch('/_flagstand/feature-flags/beta', { default_value: false })).statusCode).toBe(200);
    expect(await slugs(f, userFlags)).toEqual(['gamma', 'beta']);
    expect(await slugs(f, orgFlags)).toEqual(['gamma', 'beta']);
    expect((await put('/feature-flags/beta/disable')).statusCode).toBe(200);
    expect(await slugs(f, userFlags)).toEqual(['gamma']);
    expect((await put('/feature-flags/beta/enable')).statusCode).toBe(200);
    expect(await slugs(f, userFlags)).toEqual(['gamma', 'beta']);
    expect(await slugs(f, `/user_management/users/${USER}/feature-flags?order=asc`)).toEqual(['beta', 'gamma']);
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

describe('createKeptMap', () => {
  // Tables named as the rules name them (feature_flags has one), one no rule knows, one of no environment.
  const setUp = (until: 'written' | 'scopes', entries = 100) => {
    const db = openDatabase(':memory:');
    db.exec(`CREATE TABLE feature_flags (environment_id TEXT NOT NULL, id TEXT NOT NULL, v INTEGER, default_value INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (environment_id, id));
      CREATE TABLE notes (environment_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (environment_id, id));
      CREATE TABLE settings (v INTEGER)`);
    const value = db.prepare<[string, string], number>('SELECT v FROM feature_flags WHERE environment_id = ? AND id = ?').pluck();
    const kept = createKeptMap<number>(db, { until, entries });
    let computed = 0;
    const read = (env: string, id: string) =>
      kept.through(env, `${env} ${id}`, () => (computed++, value.get(env, id) ?? -1), until === 'scopes' ? [`flag ${id}`] : undefined);
    const write = (env: string, id: string, v: number) =>
      db.prepare('INSERT INTO feature_flags (environment_id, id, v) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET v = excluded.v').run(env, id, v);
    return { db, read, write, kept, value, computed: () => computed };
  };

  it('keeps nothing until the change feed is installed', () => {
    const { db, read, computed } = setUp('scopes');
    read('e1', 'a');
    read('e1', 'a');
    expect(computed()).toBe(2);
    db.close();
  });

  it('until written: a write drops its own environment only', () => {
    const { db, read, write, computed } = setUp('written');
    installChangeFeed(db);
    write('e1', 'a', 1);
    write('e2', 'a', 1);
    expect([read('e1', 'a'), read('e2', 'a'), read('e1', 'a')]).toEqual([1, 1, 1]);
    expect(computed()).toBe(2);
    write('e1', 'b', 2);
    expect([read('e1', 'a'), read('e2', 'a')]).toEqual([1, 1]);
    expect(computed()).toBe(3);
    db.close();
  });

  it('until written, an entry kept with scopes lasts until one of them changes', () => {
    const { db, write, kept, value } = setUp('written');
    installChangeFeed(db);
    write('e1', 'a', 1);
    write('e1', 'b', 1);
    kept.set('e1', 'scoped a', value.get('e1', 'a')!, { scopes: ['flag a'] });
    kept.set('e1', 'written', 7);
    write('e1', 'b', 2);
    expect([kept.get('scoped a'), kept.get('written')]).toEqual([1, undefined]);
    write('e1', 'a', 3);
    expect(kept.get('scoped a')).toBeUndefined();
    db.close();
  });

  it('until scopes: a write drops only the entries of its scopes', () => {
    const { db, read, write, computed } = setUp('scopes');
    installChangeFeed(db);
    write('e1', 'a', 1);
    write('e1', 'b', 1);
    expect([read('e1', 'a'), read('e1', 'b')]).toEqual([1, 1]);
    write('e1', 'b', 2);
    expect([read('e1', 'a'), read('e1', 'b')]).toEqual([1, 2]);
    expect(computed()).toBe(3);
    db.prepare("DELETE FROM feature_flags WHERE id = 'a'").run();
    expect(read('e1', 'a')).toBe(-1);
    db.close();
  });

  it('an update reports its old row and, when it differs, its new row', () => {
    const { db, read, write, computed } = setUp('scopes');
    const feed = installChangeFeed(db);
    const scopes: string[] = [];
    feed.listen({ everything: () => scopes.push('everything'), written: () => {}, scope: (env, scope) => scopes.push(`${env}: ${scope}`) });
    write('e1', 'a', 1);
    write('e1', 'b', 1);
    write('e2', 'a', 1);
    scopes.length = 0;
    db.prepare("UPDATE feature_flags SET v = 5 WHERE environment_id = 'e1' AND id = 'a'").run();
    expect(scopes).toEqual(['e1: flag a']);
    expect([read('e1', 'a'), read('e1', 'b'), read('e2', 'a')]).toEqual([5, 1, 1]);
    const before = computed();
    scopes.length = 0;
    // A row moved to another id changes both flags; one moved to another environment, both environments.
    db.prepare("UPDATE feature_flags SET id = 'c' WHERE environment_id = 'e1' AND id = 'b'").run();
    expect(scopes).toEqual(['e1: flag b', 'e1: flag evaluation b', 'e1: flag c', 'e1: flag evaluation c']);
    expect([read('e1', 'a'), read('e1', 'b'), read('e1', 'c')]).toEqual([5, -1, 1]);
    db.prepare("UPDATE feature_flags SET environment_id = 'e3' WHERE environment_id = 'e2' AND id = 'a'").run();
    expect(scopes.slice(4)).toEqual(['e2: flag a', 'e2: flag evaluation a', 'e3: flag a', 'e3: flag evaluation a']);
    expect([read('e2', 'a'), read('e3', 'a'), read('e1', 'a')]).toEqual([-1, 1, 5]);
    expect(computed() - before).toBe(4);
    // A flag's default_value is a rule column: its change, unlike a toggle's, also names the flag's defaults.
    scopes.length = 0;
    db.prepare("UPDATE feature_flags SET default_value = 1 WHERE environment_id = 'e1' AND id = 'a'").run();
    expect(scopes).toEqual(['e1: flag a', 'e1: flag evaluation a', 'e1: flag a', 'e1: flag evaluation a']);
    db.close();
  });

  it('a table without a rule drops everything of its environment; one without an environment, everything', () => {
    const { db, read, write, computed } = setUp('scopes');
    installChangeFeed(db);
    write('e1', 'a', 1);
    write('e2', 'a', 1);
    read('e1', 'a');
    read('e2', 'a');
    db.prepare("INSERT INTO notes VALUES ('e1', 'n')").run();
    read('e1', 'a');
    read('e2', 'a');
    expect(computed()).toBe(3);
    db.prepare('INSERT INTO settings VALUES (1)').run();
    read('e1', 'a');
    read('e2', 'a');
    expect(computed()).toBe(5);
    db.close();
  });

  it('shows the committed value after a rollback', () => {
    const { db, read, write } = setUp('scopes');
    installChangeFeed(db);
    write('e1', 'a', 1);
    expect(read('e1', 'a')).toBe(1);
    const failing = db.transaction(() => {
      write('e1', 'a', 2);
      expect(read('e1', 'a')).toBe(2);
      throw new Error('abort');
    });
    expect(failing).toThrow('abort');
    expect(read('e1', 'a')).toBe(1);
    db.close();
  });

  it('keeps what a transaction read once it commits; drops it on rollback, a savepoint rollback or a later write', () => {
    const { db, read, write, computed } = setUp('scopes');
    installChangeFeed(db);
    write('e1', 'a', 1);
    write('e1', 'b', 1);
    // Read after the transaction's own write: true once it commits.
    db.transaction(() => {
      write('e1', 'a', 2);
      expect(read('e1', 'a')).toBe(2);
      expect(read('e1', 'a')).toBe(2); // kept within the transaction too
    })();
    expect(computed()).toBe(1);
    expect(read('e1', 'a')).toBe(2);
    expect(computed()).toBe(1);
    // Rolled back: nothing read inside it is kept.
    const failing = db.transaction(() => {
      write('e1', 'b', 3);
      expect(read('e1', 'b')).toBe(3);
      throw new Error('abort');
    });
    expect(failing).toThrow('abort');
    expect(read('e1', 'b')).toBe(1);
    expect(computed()).toBe(3);
    // A savepoint that rolls back inside a transaction that commits: what was read after its write is not kept.
    db.transaction(() => {
      const inner = db.transaction(() => {
        write('e1', 'b', 4);
        expect(read('e1', 'b')).toBe(4);
        throw new Error('inner');
      });
      expect(inner).toThrow('inner');
    })();
    expect(read('e1', 'b')).toBe(1);
    expect(computed()).toBe(5);
    // Read, then written later in the same transaction: the read is dropped, the new value shows.
    db.transaction(() => {
      expect(read('e1', 'a')).toBe(2);
      write('e1', 'a', 5);
    })();
    expect(read('e1', 'a')).toBe(5);
    db.close();
  });

  it('a bulk write run quietly drops the environments it names', () => {
    const { db, read, write, computed } = setUp('scopes');
    const feed = installChangeFeed(db);
    write('e1', 'a', 1);
    write('e2', 'a', 1);
    read('e1', 'a');
    read('e2', 'a');
    feed.quietly(() => write('e1', 'a', 5), () => ['e1']);
    expect([read('e1', 'a'), read('e2', 'a')]).toEqual([5, 1]);
    expect(computed()).toBe(3);
    db.close();
  });

  it('starts over past its size', () => {
    const { db, read, write, computed } = setUp('scopes', 2);
    installChangeFeed(db);
    for (const id of ['a', 'b', 'c']) write('e1', id, 1);
    read('e1', 'a');
    read('e1', 'b');
    read('e1', 'c');
    read('e1', 'a');
    expect(computed()).toBe(4);
    db.close();
  });

  it('an entry kept again under other scopes goes only when one of those changes', () => {
    const { db, write, kept } = setUp('scopes');
    installChangeFeed(db);
    for (const id of ['a', 'b', 'c']) write('e1', id, 1);
    kept.set('e1', 'k', 1, { scopes: ['flag a', 'flag b'] });
    write('e1', 'a', 2);
    expect(kept.get('k')).toBeUndefined();
    kept.set('e1', 'k', 2, { scopes: ['flag c'] });
    write('e1', 'b', 2); // a scope of its earlier value only
    expect(kept.get('k')).toBe(2);
    write('e1', 'c', 2);
    expect(kept.get('k')).toBeUndefined();
    db.close();
  });

  it('past its size, drops what writes made stale before anything still true', () => {
    const { db, write, kept } = setUp('scopes', 3);
    installChangeFeed(db);
    for (const id of ['a', 'b', 'c', 'd']) write('e1', id, 1);
    kept.set('e1', 'x', 1, { scopes: ['flag a'] });
    kept.set('e1', 'y', 2, { scopes: ['flag b'] });
    kept.set('e1', 'z', 3, { scopes: ['flag c'] });
    write('e1', 'a', 2); // x is stale, still counted
    kept.set('e1', 'w', 4, { scopes: ['flag d'] });
    expect([kept.get('x'), kept.get('y'), kept.get('z'), kept.get('w')]).toEqual([undefined, 2, 3, 4]);
    db.close();
  });

  it('keeps setIn entries apart per environment and from set, with the same invalidation, transactions and bounds', () => {
    const { db, write, kept } = setUp('scopes', 4);
    installChangeFeed(db);
    for (const id of ['a', 'b', 'c']) write('e1', id, 1);
    kept.setIn('e1', 'a', 1, { scopes: ['flag a'] });
    kept.setIn('e2', 'a', 2, { scopes: ['flag a'] });
    kept.set('e1', 'a', 3, { scopes: ['flag b'] });
    expect([kept.getIn('e1', 'a'), kept.getIn('e2', 'a'), kept.get('a'), kept.getIn('e1', 'b')]).toEqual([1, 2, 3, undefined]);
    // A write drops the entries of its scope in its environment only, whichever way they were kept.
    write('e1', 'a', 2);
    expect([kept.getIn('e1', 'a'), kept.getIn('e2', 'a'), kept.get('a')]).toEqual([undefined, 2, 3]);
    // Inside a transaction: seen there, kept once it commits, dropped by a later write in it or a rollback.
    db.transaction(() => {
      kept.setIn('e1', 'a', 4, { scopes: ['flag a'] });
      kept.setIn('e1', 'b', 5, { scopes: ['flag b'] });
      expect(kept.getIn('e1', 'a')).toBe(4);
      write('e1', 'b', 2);
      expect(kept.getIn('e1', 'b')).toBeUndefined();
    })();
    expect([kept.getIn('e1', 'a'), kept.getIn('e1', 'b')]).toEqual([4, undefined]);
    expect(() =>
      db.transaction(() => {
        kept.setIn('e1', 'c', 6, { scopes: ['flag c'] });
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expect(kept.getIn('e1', 'c')).toBeUndefined();
    // Four entries (e1 a, e2 a, a, e1 c) fill it; past that, the stale go first, then everything.
    write('e1', 'b', 3); // stales the set entry 'a'
    kept.setIn('e1', 'c', 7, { scopes: ['flag c'] });
    kept.setIn('e3', 'c', 8, { scopes: ['flag c'] });
    expect([kept.get('a'), kept.getIn('e1', 'a'), kept.getIn('e2', 'a'), kept.getIn('e1', 'c'), kept.getIn('e3', 'c')]).toEqual([undefined, 4, 2, 7, 8]);
    write('e2', 'a', 3); // stales e2's
    kept.setIn('e4', 'c', 9, { scopes: ['flag c'] });
    expect([kept.getIn('e1', 'a'), kept.getIn('e2', 'a'), kept.getIn('e4', 'c')]).toEqual([4, undefined, 9]);
    kept.setIn('e5', 'c', 10, { scopes: ['flag c'] });
    expect([kept.getIn('e1', 'a'), kept.getIn('e5', 'c')]).toEqual([undefined, 10]);
    db.close();
  });

  it('every table of the main database carries the feed triggers, but the outbox', async () => {
    const f = await start();
    const tables = f.db.prepare<[], string>("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all();
    const triggers = new Set(f.db.prepare<[], string>("SELECT name FROM temp.sqlite_schema WHERE type = 'trigger'").pluck().all());
    expect(tables.length).toBeGreaterThan(5);
    const unwatched = Object.keys(RULES).filter((table) => RULES[table].unwatched);
    expect(unwatched.sort()).toEqual(['event_parts', 'events', 'idempotency_keys', 'webhook_deliveries']);
    for (const table of tables) {
      for (const name of feedTriggerNames(table)) expect(triggers.has(name), name).toBe(!unwatched.includes(table));
    }
  });

  it('a flag or target write drops no fine-grained facts wholesale (the events it records included)', async () => {
    const f = await start();
    const feed = changeFeedOf(f.db)!;
    const wholesale: (string | undefined)[] = [];
    feed.listen({ everything: (env) => void wholesale.push(env ?? 'all'), written: () => {}, scope: () => {} });
    const write = (method: 'PUT' | 'POST' | 'DELETE', url: string) => f.app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` } });
    expect((await write('PUT', '/feature-flags/gamma/disable')).statusCode).toBe(200);
    expect((await write('POST', `/feature-flags/gamma/targets/${USER}`)).statusCode).toBe(204);
    expect((await write('DELETE', `/feature-flags/gamma/targets/${USER}`)).statusCode).toBe(204);
    // Each write recorded its event (the outbox) in the same transaction.
    const events = (await get(f, '/events?events=flag.updated,flag.rule_updated')).json().data;
    expect(events.length).toBe(3);
    expect(wholesale).toEqual([]);
  });

  it('every rule names a table and columns the schema has', async () => {
    const f = await start();
    const columns = f.db.prepare<[string], string>('SELECT name FROM main.pragma_table_info(?)').pluck();
    for (const [table, rule] of Object.entries(RULES)) {
      expect(columns.all(table), table).toEqual(expect.arrayContaining([rule.environment ?? 'environment_id', ...rule.columns]));
    }
  });
});
