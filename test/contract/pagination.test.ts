import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

// Walk every flag list forward with `after`, then back with `before`, in both orders: no
// duplicates, no gaps, null cursors exactly at the ends. Many flags share a created_at and their
// pinned ids are shuffled against creation order, so only the (created_at, id) key keeps the walk whole.

const ORG = pinnedId('organization', 1);
const USER = pinnedId('user', 1);
const COUNT = 60;
const LIMIT = 10;

/** Groups of identical timestamps, one spanning a page boundary. */
function createdAt(i: number): string {
  const second = i < 12 ? 0 : i < 14 ? 1 : i >= 30 && i <= 36 ? 30 : i;
  return `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;
}

// Five kinds of flag, by i % 5: who sees it.
const KINDS = [
  { flag: { enabled: true, default_value: true }, org: true, user: true }, // on by default
  { flag: { enabled: true, targets: [ORG] }, org: true, user: true }, // on for the organization
  { flag: { enabled: true, default_value: true, targets: [{ id: ORG, enabled: false }] }, org: false, user: false },
  { flag: { enabled: false, default_value: true, targets: [ORG, USER] }, org: false, user: false }, // disabled
  { flag: { enabled: true, targets: [USER] }, org: false, user: true }, // on for the user alone
];

const FLAGS = Array.from({ length: COUNT }, (_, i) => ({
  // 17 is prime to 61, so ids are distinct and out of creation order.
  id: pinnedId('flag', ((i * 17) % 61) + 1),
  slug: `flag-${i}`,
  created_at: createdAt(i),
  ...KINDS[i % 5].flag,
}));

const SEED: SeedEnvironment = {
  organizations: [{ id: ORG, name: 'Acme' }],
  users: [{ id: USER, email: 'ada@example.com' }],
  organization_memberships: [{ user_id: USER, organization_id: ORG }],
  feature_flags: FLAGS,
};

const byKey = (a: { created_at: string; id: string }, b: { created_at: string; id: string }) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

const LISTS = [
  ['FeatureFlagsController_list', '/feature-flags', () => true],
  ['OrganizationFeatureFlagsController_list', `/organizations/${ORG}/feature-flags`, (i: number) => KINDS[i % 5].org],
  ['UserlandUserFeatureFlagsController_list', `/user_management/users/${USER}/feature-flags`, (i: number) => KINDS[i % 5].user],
] as const;

interface FlagList {
  data: { id: string }[];
  list_metadata: { before: string | null; after: string | null };
}

describe('pagination walks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ seed: SEED });
  });
  afterAll(() => t.app.close());

  const page = async (op: string, path: string, query: string): Promise<FlagList> => {
    const res = await t.app.inject({ method: 'GET', url: `${path}?limit=${LIMIT}&${query}`, headers: t.headers });
    return expectSpec(res, op, 200) as FlagList;
  };

  it('the seed spans more than two pages on every list', () => {
    for (const [, , visible] of LISTS) {
      expect(FLAGS.filter((_, i) => visible(i)).length).toBeGreaterThan(2 * LIMIT);
    }
  });

  it.each(LISTS.flatMap(([op, path, visible]) => (['asc', 'desc'] as const).map((order) => [op, order, path, visible] as const)))(
    '%s order=%s: forward with after, back with before',
    async (op, order, path, visible) => {
      const sorted = FLAGS.filter((_, i) => visible(i)).sort(byKey);
      const expected = (order === 'asc' ? sorted : sorted.reverse()).map((f) => f.id);

      // Forward.
      const forward: FlagList[] = [await page(op, path, `order=${order}`)];
      expect(forward[0].list_metadata.before).toBeNull();
      while (forward.at(-1)!.list_metadata.after) {
        const previous = forward.at(-1)!;
        const next = await page(op, path, `order=${order}&after=${previous.list_metadata.after}`);
        // A page reached with `after` has something before it: its own first item is the cursor back.
        expect(next.list_metadata.before).toBe(next.data[0].id);
        forward.push(next);
        expect(forward.length).toBeLessThan(20);
      }
      expect(forward.flatMap((p) => p.data.map((f) => f.id))).toEqual(expected);
      expect(forward.length).toBe(Math.ceil(expected.length / LIMIT));
      for (const p of forward.slice(0, -1)) {
        expect(p.data).toHaveLength(LIMIT);
        expect(p.list_metadata.after).toBe(p.data.at(-1)!.id);
      }
      expect(forward.at(-1)!.list_metadata.after).toBeNull();

      // Back from the last page, page by page, to the start.
      const backward: FlagList[] = [];
      let cursor = forward.at(-1)!.list_metadata.before;
      while (cursor) {
        const previous = await page(op, path, `order=${order}&before=${cursor}`);
        expect(previous.list_metadata.after).toBe(previous.data.at(-1)!.id);
        backward.unshift(previous);
        cursor = previous.list_metadata.before;
        expect(backward.length).toBeLessThan(20);
      }
      expect(backward.map((p) => p.data)).toEqual(forward.slice(0, -1).map((p) => p.data));
      expect(backward[0].list_metadata.before).toBeNull();
    },
  );

  it.each(LISTS)('%s: past either end is an empty page with null cursors', async (op, path, visible) => {
    const sorted = FLAGS.filter((_, i) => visible(i)).sort(byKey);
    const newest = sorted.at(-1)!.id;
    const oldest = sorted[0].id;
    const after = await page(op, path, `order=desc&after=${oldest}`);
    expect(after).toEqual({ object: 'list', data: [], list_metadata: { before: null, after: null } });
    const before = await page(op, path, `order=desc&before=${newest}`);
    expect(before).toEqual({ object: 'list', data: [], list_metadata: { before: null, after: null } });
  });
});
