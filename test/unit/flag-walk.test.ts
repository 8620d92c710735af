import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageRequest, SortKey } from '../../src/db/keyset.js';
import { listedFor, type Exceptions } from '../../src/modules/feature-flags/evaluate.js';
import { createFlagOrder } from '../../src/modules/feature-flags/flag-order.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';

// Flag lists are walked in memory over the kept flag order and the flag cache. The store's SQL
// keyset reads (FlagStore.list and listEvaluated) are the reference: for random flags (created_at
// ties included), random exceptions, random pages and toggles between reads, inside and outside
// transactions, both give the same flags in the same order.

let open: Flagstand | undefined;
afterEach(async () => {
  await open?.app.close();
  open = undefined;
});

const FLAGS = 14;

describe('the in-memory flag walk', () => {
  it('gives what the SQL keyset reads give, before and after writes', async () => {
    // Seconds 0..4 only: many flags share a created_at and are ordered by id.
    const flagSpec = fc.array(fc.record({ at: fc.integer({ min: 0, max: 4 }), enabled: fc.boolean(), on: fc.boolean() }), { minLength: FLAGS, maxLength: FLAGS });
    const step = fc.record({
      limit: fc.integer({ min: 1, max: 6 }),
      scan: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
      cursor: fc.option(fc.integer({ min: 0, max: FLAGS - 1 }), { nil: undefined }),
      toggle: fc.option(fc.integer({ min: 0, max: FLAGS - 1 }), { nil: undefined }),
      inTransaction: fc.boolean(),
      rollBack: fc.boolean(),
      exceptions: fc.array(fc.integer({ min: 0, max: FLAGS - 1 }), { maxLength: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(flagSpec, fc.array(step, { minLength: 1, maxLength: 12 }), async (specs, steps) => {
        await open?.app.close();
        open = await createFlagstand({
          logLevel: 'silent',
          seed: {
            api_keys: ['sk_test_walk'],
            feature_flags: specs.map((f, i) => ({
              slug: `f${String(i).padStart(2, '0')}`,
              enabled: f.enabled,
              default_value: f.on,
              created_at: `2026-01-01T00:00:0${f.at}.000Z`,
            })),
          },
        });
        const { db, stores } = open;
        const flags = stores.flags;
        const env = open.environments[0].id;
        const order = createFlagOrder(db);
        const ids = db.prepare<[string], string>('SELECT id FROM feature_flags WHERE environment_id = ? ORDER BY id').pluck().all(env);
        const keyOf = (id: string) => flags.sortKey(env, id) as SortKey;
        for (const s of steps) {
          if (s.toggle !== undefined) {
            const flag = flags.cachedByIds(env, [ids[s.toggle]]).get(ids[s.toggle])!;
            const toggle = db.transaction(() => {
              flags.setEnabled(env, { ...flag, enabled: !flag.enabled, updated_at: new Date().toISOString() });
              if (s.rollBack) throw new Error('roll back');
            });
            if (s.rollBack) expect(toggle).toThrow('roll back');
            else toggle();
          }
          const req: PageRequest = { limit: s.limit, scan: s.scan, cursor: s.cursor === undefined ? null : keyOf(ids[s.cursor]), direction: s.cursor === undefined ? null : 'after' };
          // Exceptions as the evaluator makes them: `on` among flags off by default, `off` among flags on by default.
          const picked = [...new Set(s.exceptions.map((i) => ids[i]))].map((id) => flags.cachedByIds(env, [id]).get(id)!);
          const exceptions: Exceptions = { on: picked.filter((f) => !f.default_value).map((f) => f.id), off: picked.filter((f) => f.default_value).map((f) => f.id) };
          const rowsOf = (wanted: readonly string[]) => flags.cachedByIds(env, wanted);
          const read = () => ({
            all: order.walk(env, req, rowsOf, () => true).map((f) => `${f.id}:${f.enabled}`),
            listed: order.walk(env, req, rowsOf, listedFor(exceptions)).map((f) => f.id),
          });
          const reference = () => ({
            all: flags.list(env, req).map((f) => `${f.id}:${f.enabled}`),
            listed: flags.listEvaluated(env, req, exceptions).map((f) => f.id),
          });
          if (s.inTransaction) {
            // A toggle inside the transaction, read there (not kept), then rolled back: the next read shows the committed state.
            const inside = db.transaction(() => {
              const flag = flags.cachedByIds(env, [ids[0]]).get(ids[0])!;
              flags.setEnabled(env, { ...flag, enabled: !flag.enabled, updated_at: new Date().toISOString() });
              expect(read()).toEqual(reference());
              throw new Error('roll back');
            });
            expect(inside).toThrow('roll back');
          }
          expect(read()).toEqual(reference());
        }
      }),
      { numRuns: 60, seed: 20261202 },
    );
  });
});
