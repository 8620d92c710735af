import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { bundle } from '../../scripts/bundle-cli.mjs';
import { generateSeed } from '../../bench/seed.js';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { checkSeed, type SeedCheckInProgress } from '../../src/seed/check.js';
import { loadSeed } from '../../src/seed/load.js';
import { SeedError } from '../../src/seed/seed-error.js';
import { createStores } from '../../src/stores.js';
import { PARALLEL_CHECK_MIN_BYTES, startSeedCheck } from '../../src/seed/parallel-check.js';

// The worker runs built JavaScript (as in dist/), so this bundles it the way `npm run build` does.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flagstand-check-'));
const workerUrl = pathToFileURL(join(dir, 'check-worker.js'));
beforeAll(() => bundle(join(root, 'src/seed/check-worker.ts'), fileURLToPath(workerUrl)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seed file over the size checked in parallel (~6 MB), changed by `edit`. */
function bigSeed(name: string, edit: (doc: Record<string, any>) => void = () => {}): { path: string; doc: unknown } {
  const path = join(dir, name);
  generateSeed({ flags: 50, organizations: 1_000, users: 20_000, targets: 60_000 }, path);
  const doc = JSON.parse(readFileSync(path, 'utf8'));
  edit(doc);
  writeFileSync(path, JSON.stringify(doc));
  return { path, doc };
}

/** What the inline check throws for `doc`, or undefined when it passes. */
function inlineError(doc: unknown, keys: string[] = []): SeedError | undefined {
  try {
    checkSeed(doc, keys);
    return undefined;
  } catch (err) {
    return err as SeedError;
  }
}

const verdictError = (check: { verdict(): void }): SeedError | undefined => {
  try {
    check.verdict();
    return undefined;
  } catch (err) {
    return err as SeedError;
  }
};

describe('checking a seed file in a worker', () => {
  it('passes a good seed', () => {
    const { path, doc } = bigSeed('good.json');
    const check = startSeedCheck(path, [], () => doc, workerUrl);
    expect(check).toBeDefined();
    expect(verdictError(check!)).toBeUndefined();
  });

  it.each([
    ['an unknown target', (doc: Record<string, any>) => doc.feature_flags[49].targets.push('user_01HX0000000000000000000000')],
    ['a user without an email', (doc: Record<string, any>) => delete doc.users[1234].email],
    ['a duplicate slug', (doc: Record<string, any>) => (doc.feature_flags[7].slug = 'flag-3')],
    ['an api key given twice', (doc: Record<string, any>) => (doc.api_keys = ['sk_test_twice', 'sk_test_twice'])],
  ])('fails %s with the inline check’s error, field included', (_, edit) => {
    const { path, doc } = bigSeed('bad.json', edit);
    const expected = inlineError(doc);
    expect(expected).toBeInstanceOf(SeedError);
    const check = startSeedCheck(path, [], () => doc, workerUrl);
    const error = verdictError(check!);
    expect(error).toBeInstanceOf(SeedError);
    expect({ message: error!.message, field: error!.field }).toEqual({ message: expected!.message, field: expected!.field });
  });

  it('checks inline below the size, or where no worker script exists', () => {
    const small = join(dir, 'small.json');
    writeFileSync(small, JSON.stringify({ feature_flags: [{ slug: 'beta' }] }));
    expect(PARALLEL_CHECK_MIN_BYTES).toBeGreaterThan(1024);
    expect(startSeedCheck(small, [], () => undefined, workerUrl)).toBeUndefined();
    const { path } = bigSeed('good.json');
    expect(startSeedCheck(path, [], () => undefined, pathToFileURL(join(dir, 'missing.js')))).toBeUndefined();
  });
});

describe('targets the worker sorts while the main thread inserts', () => {
  it('gives every flag its targets sorted, and the load inserts what an inline load does', () => {
    // Lists out of order, some targets as objects (one off): the worker's JSON must match.
    const { path, doc } = bigSeed('targets.json', (d) => {
      for (const [i, f] of (d.feature_flags as { targets: (string | { id: string })[] }[]).entries()) {
        f.targets.reverse();
        if (i % 2) f.targets = f.targets.map((t, j) => (j % 3 ? t : { id: typeof t === 'string' ? t : t.id, enabled: j % 2 === 0 }));
      }
    });
    const check = startSeedCheck(path, [], () => doc, workerUrl)!;
    const lists = check.sortedTargets!()!;
    const flags = (doc as { feature_flags: { targets: (string | { id: string })[] }[] }).feature_flags;
    expect(lists).toHaveLength(1);
    expect(lists[0]).toHaveLength(flags.length);
    const idOf = (t: string | { id: string }) => (typeof t === 'string' ? t : t.id);
    for (const [i, f] of flags.entries()) {
      // [id, enabled, label] each, sorted by id.
      const entries = JSON.parse(lists[0][i]) as [string, number, string | null][];
      expect(entries.map((e) => e[0])).toEqual(f.targets.map(idOf).sort());
      for (const [id, enabled, label] of entries) {
        const given = f.targets.find((t) => idOf(t) === id)!;
        expect(enabled).toBe(typeof given === 'string' || (given as { enabled?: boolean }).enabled !== false ? 1 : 0);
        expect(label).toEqual(expect.any(String));
      }
    }

    const load = (withWorker: boolean) => {
      const db = openDatabase(':memory:');
      migrate(db);
      loadSeed(db, createStores(db), doc, fixedClock('2026-01-15T12:00:00.000Z'), [], withWorker ? check : undefined);
      const rows = db.prepare('SELECT t.flag_id, t.target_id AS resource_id, t.target_type AS resource_type, r.value AS enabled, t.created_at, t.label FROM flag_targets t JOIN flag_rules r ON r.environment_id = t.environment_id AND r.id = t.rule_id ORDER BY 1, 2').all();
      db.close();
      return rows;
    };
    const viaWorker = load(true);
    expect(viaWorker).toEqual(load(false));
    expect(viaWorker.length).toBe(flags.reduce((n, f) => n + f.targets.length, 0));
    expect(viaWorker.filter((r) => typeof (r as { label: unknown }).label !== 'string')).toEqual([]);
  });
});

describe('loadSeed with the checks running elsewhere', () => {
  const setUp = () => {
    const db = openDatabase(':memory:');
    migrate(db);
    return { db, stores: createStores(db) };
  };
  const failing = (message: string): SeedCheckInProgress & { asked: number } => {
    const check = {
      asked: 0,
      verdict() {
        check.asked++;
        throw new SeedError(message, 'feature_flags.0.slug');
      },
      cancel() {},
    };
    return check;
  };
  const clock = fixedClock('2026-01-15T12:00:00.000Z');
  const rowCount = (db: ReturnType<typeof openDatabase>) =>
    db.prepare("SELECT (SELECT count(*) FROM environments) + (SELECT count(*) FROM feature_flags) + (SELECT count(*) FROM users)").pluck().get();

  it('inserts, then rolls everything back when the checks fail', () => {
    const { db, stores } = setUp();
    const check = failing('seed: the checks said no');
    const seed = { users: [{ email: 'a@example.com' }], feature_flags: [{ slug: 'beta' }] };
    expect(() => loadSeed(db, stores, seed, clock, [], check)).toThrow('seed: the checks said no');
    expect(check.asked).toBe(1);
    expect(rowCount(db)).toBe(0);
    db.close();
  });

  it('answers with the checks’ error when the unchecked seed fails to insert', () => {
    const { db, stores } = setUp();
    const check = failing('seed: users[0].email: must be string');
    expect(() => loadSeed(db, stores, { users: [{ first_name: 'no email' }] }, clock, [], check)).toThrow(
      'seed: users[0].email: must be string',
    );
    expect(rowCount(db)).toBe(0);
    db.close();
  });

  it('waits for the checks first when the document is not shaped like a seed', () => {
    const { db, stores } = setUp();
    const check = failing('seed: the document must be an object');
    expect(() => loadSeed(db, stores, [1, 2], clock, [], check)).toThrow('seed: the document must be an object');
    expect(check.asked).toBe(1);
    db.close();
  });

  it('loads what passing checks allow, without checking again inline', () => {
    const { db, stores } = setUp();
    let asked = 0;
    const passing: SeedCheckInProgress = { verdict: () => void asked++, cancel() {} };
    const { environments } = loadSeed(db, stores, { feature_flags: [{ slug: 'beta' }] }, clock, ['sk_test_x'], passing);
    expect(asked).toBe(1);
    expect(environments).toEqual([{ id: expect.any(String), publicId: expect.stringMatching(/^environment_/), name: 'default', keys: ['sk_test_x'] }]);
    expect(rowCount(db)).toBe(2);
    db.close();
  });
});
