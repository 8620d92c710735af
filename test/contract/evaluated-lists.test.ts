import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeedDocument } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';

// The evaluated lists (a user's, an organization's) are read from an index walk merged with the
// flags targets turn on. Walk every page of them, in both orders and from both ends, against the
// rule applied to every flag, on a data set that mixes every case: flags off, on by default or
// not, user and organization targets on and off, users in several organizations, memberships
// that are not active, and flags created at the same instant (ordered by id).

interface WireFlag {
  id: string;
  slug: string;
  enabled: boolean;
  created_at: string;
}
interface FlagList {
  data: WireFlag[];
  list_metadata: { before: string | null; after: string | null };
}

function lcg(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

const random = lcg(7);
const USERS = Array.from({ length: 8 }, (_, i) => pinnedId('user', i + 1));
const ORGS = Array.from({ length: 5 }, (_, i) => pinnedId('organization', i + 1));
const memberships = USERS.flatMap((user, i) =>
  ORGS.filter((_, j) => (i + j) % 3 === 0).map((org, j) => ({
    user_id: user,
    organization_id: org,
    status: (j === 1 && i % 2 === 0 ? 'pending' : 'active') as 'pending' | 'active',
  })),
);
const flags = Array.from({ length: 30 }, (_, i) => {
  const targets = [...USERS, ...ORGS]
    .filter(() => random() < 0.25)
    .map((id) => (random() < 0.4 ? { id, enabled: false } : id));
  return {
    id: pinnedId('flag', 100 - i),
    slug: `flag-${i}`,
    enabled: random() < 0.8,
    default_value: random() < 0.5,
    targets,
    // Three flags per instant, so ties are broken by id (pinned ids run against creation order).
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 3))).toISOString(),
  };
});
const seed: SeedDocument = {
  users: USERS.map((id, i) => ({ id, email: `u${i}@example.com` })),
  organizations: ORGS.map((id, i) => ({ id, name: `Org ${i}` })),
  organization_memberships: memberships,
  feature_flags: flags,
};

const targetOf = (flag: (typeof flags)[number], id: string): boolean | undefined => {
  const t = flag.targets.find((x) => (typeof x === 'string' ? x : x.id) === id);
  return t === undefined ? undefined : typeof t === 'string' ? true : t.enabled;
};
const byKey = (a: { created_at: string; id: string }, b: { created_at: string; id: string }) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

// The classic rule, written out here as the oracle (independent of the rules evaluator, which
// must agree with it on classic data): a disabled flag is off; a user's own target decides; else
// on when on for any active organization (its target, else the default); else the default.
type Flag = (typeof flags)[number];
const forOrganization = (f: Flag, target: boolean | undefined) => f.enabled && (target ?? f.default_value);
function forUser(f: Flag, own: boolean | undefined, orgTargets: (boolean | undefined)[]): boolean {
  if (!f.enabled) return false;
  if (own !== undefined) return own;
  if (orgTargets.length === 0) return f.default_value;
  return orgTargets.some((t) => forOrganization(f, t));
}

/** Slugs of the flags that are on for the subject, newest first. */
function expected(subject: string): string[] {
  const orgs = memberships.filter((m) => m.user_id === subject && m.status === 'active').map((m) => m.organization_id);
  return flags
    .filter((f) =>
      subject.startsWith('user_')
        ? forUser(f, targetOf(f, subject), orgs.map((o) => targetOf(f, o)))
        : forOrganization(f, targetOf(f, subject)),
    )
    .sort(byKey)
    .reverse()
    .map((f) => f.slug);
}

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ seed });
});
afterAll(() => t.app.close());

async function page(path: string): Promise<FlagList> {
  const res = await t.app.inject({ method: 'GET', url: path, headers: t.headers });
  expect(res.statusCode).toBe(200);
  return res.json() as FlagList;
}

/** Every page of a list, following `after` (or `before` from the far end), as one list of slugs. */
async function walk(base: string, order: 'asc' | 'desc', direction: 'after' | 'before', limit: number): Promise<string[]> {
  const slugs: string[] = [];
  let cursor: string | null | undefined;
  if (direction === 'before') {
    // Start past the far end: the id of the last flag in this order, then walk back.
    const all = await page(`${base}?order=${order}&limit=100`);
    if (all.data.length === 0) return [];
    const last = all.data[all.data.length - 1];
    slugs.unshift(last.slug);
    cursor = last.id;
  }
  for (let guard = 0; guard < 100; guard++) {
    const query = cursor ? `&${direction}=${cursor}` : '';
    const list = await page(`${base}?order=${order}&limit=${limit}${query}`);
    const got = list.data.map((f) => f.slug);
    if (direction === 'after') slugs.push(...got);
    else slugs.unshift(...got);
    cursor = list.list_metadata[direction];
    if (!cursor) return slugs;
  }
  throw new Error('pagination did not end');
}

describe.each([...USERS.slice(0, 5), ...ORGS.slice(0, 3)])('evaluated flags of %s', (subject) => {
  const base = subject.startsWith('user_')
    ? `/user_management/users/${subject}/feature-flags`
    : `/organizations/${subject}/feature-flags`;

  it('lists exactly the flags the rule turns on, newest first, in one page', async () => {
    expect((await page(`${base}?limit=100`)).data.map((f) => f.slug)).toEqual(expected(subject));
  });

  it.each([
    ['desc', 'after', 2],
    ['asc', 'after', 3],
    ['desc', 'before', 3],
    ['asc', 'before', 2],
  ] as const)('walks every page in order=%s following %s, %i at a time', async (order, direction, limit) => {
    const want = order === 'desc' ? expected(subject) : [...expected(subject)].reverse();
    expect(await walk(base, order, direction, limit)).toEqual(want);
  });
});
