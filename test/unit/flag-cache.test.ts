import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import type { PageRequest } from '../../src/db/keyset.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The lists read flags through a cache that must never serve a flag the database no longer
// holds: a write by this connection (committed or rolled back) or a commit by another
// connection to the same file drops it.

const ORG = pinnedId('organization', 1);
const FLAG = pinnedId('flag', 1);
const FIRST_PAGE: PageRequest = { limit: 10, scan: 'desc', cursor: null, direction: null };
const clock = fixedClock('2026-01-15T12:00:00.000Z');

let open: Flagstand | undefined;
let dir: string | undefined;
afterEach(async () => {
  await open?.app.close();
  open = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function start(db = ':memory:'): Promise<{ flagstand: Flagstand; env: string }> {
  open = await createFlagstand({
    db,
    clock,
    logLevel: 'silent',
    seed: {
      organizations: [{ id: ORG, name: 'Acme' }],
      feature_flags: [{ id: FLAG, slug: 'beta', enabled: true, default_value: true, tags: ['a'] }],
    },
  });
  return { flagstand: open, env: open.environments[0].id };
}

const slugsFor = (f: Flagstand, env: string) =>
  f.stores.flags.listEvaluated(env, FIRST_PAGE, { on: [], off: [] }).map((flag) => `${flag.slug}:${flag.name}`);

describe('flag cache', () => {
  it('sees a committed write at once, even with the clock standing still', async () => {
    const { flagstand, env } = await start();
    expect(slugsFor(flagstand, env)).toEqual(['beta:beta']);
    const flag = flagstand.stores.flags.byId(env, FLAG)!;
    flagstand.stores.flags.update(env, { ...flag, name: 'Beta 2' });
    expect(slugsFor(flagstand, env)).toEqual(['beta:Beta 2']);
  });

  it('serves the committed flag after a transaction that wrote and read it rolled back', async () => {
    const { flagstand, env } = await start();
    expect(slugsFor(flagstand, env)).toEqual(['beta:beta']);
    const flag = flagstand.stores.flags.byId(env, FLAG)!;
    const failing = flagstand.db.transaction(() => {
      flagstand.stores.flags.update(env, { ...flag, name: 'Rolled back' });
      expect(slugsFor(flagstand, env)).toEqual(['beta:Rolled back']);
      throw new Error('abort');
    });
    expect(failing).toThrow('abort');
    expect(slugsFor(flagstand, env)).toEqual(['beta:beta']);
  });

  it('sees a commit by another connection to the same file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-cache-'));
    const file = join(dir, 'db.sqlite');
    const { flagstand, env } = await start(file);
    expect(slugsFor(flagstand, env)).toEqual(['beta:beta']);
    const other = new Database(file);
    other.prepare('UPDATE feature_flags SET name = ? WHERE id = ?').run('From outside', FLAG);
    other.close();
    expect(slugsFor(flagstand, env)).toEqual(['beta:From outside']);
  });

  it('hands out flags that cannot be changed in place', async () => {
    const { flagstand, env } = await start();
    const [flag] = flagstand.stores.flags.listEvaluated(env, FIRST_PAGE, { on: [], off: [] });
    expect(() => (flag.tags as string[]).push('b')).toThrow(TypeError);
    expect(() => Object.assign(flag, { name: 'x' })).toThrow(TypeError);
  });
});
