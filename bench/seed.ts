import { writeFileSync } from 'node:fs';

/** How many of each entry a benchmark data set holds. */
export interface SeedSize {
  flags: number;
  organizations: number;
  users: number;
  targets: number;
}

export const SIZES = {
  small: { flags: 100, organizations: 100, users: 1_000, targets: 1_000 },
  large: { flags: 1_000, organizations: 10_000, users: 100_000, targets: 1_000_000 },
} satisfies Record<string, SeedSize>;
export type SizeName = keyof typeof SIZES;

export interface GeneratedSeed {
  path: string;
  bytes: number;
  /** Rows the server inserts for it: organizations, users, memberships, flags and targets. */
  rows: number;
  counts: SeedSize & { memberships: number };
  userIds: string[];
  organizationIds: string[];
  apiKey: string;
}

export const BENCH_KEY = 'sk_test_bench';

// A fixed PRNG so every run benchmarks the same data.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BASE_TIME = Date.parse('2025-01-01T00:00:00.000Z');

/** A valid prefixed ULID whose time part is `time`, the rest from the PRNG. */
function makeId(prefix: string, time: number, random: () => number): string {
  let t = '';
  for (let i = 0, n = time; i < 10; i++, n = Math.floor(n / 32)) t = CROCKFORD[n % 32] + t;
  let r = '';
  for (let i = 0; i < 16; i++) r += CROCKFORD[Math.floor(random() * 32)];
  return prefix + t + r;
}

/**
 * Writes a JSON seed as an outside user would: pinned ids, users in 1–2 organizations (a few
 * memberships pending or inactive), flags in a mix of enabled/default states, and targets spread
 * evenly over users and organizations, some of them explicitly off.
 */
export function generateSeed(size: SeedSize, path: string, prngSeed = 42): GeneratedSeed {
  const random = mulberry32(prngSeed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];

  const organizationIds = Array.from({ length: size.organizations }, (_, i) => makeId('org_', BASE_TIME + i, random));
  const userIds = Array.from({ length: size.users }, (_, i) => makeId('user_', BASE_TIME + i, random));
  const organizations = organizationIds.map((id, i) => ({ id, name: `Organization ${i}` }));
  const users = userIds.map((id, i) => ({ id, email: `user${i}@example.com` }));

  const memberships: { user_id: string; organization_id: string; status?: string }[] = [];
  for (const userId of userIds) {
    const first = pick(organizationIds);
    const orgs = random() < 0.5 ? [first] : [first, pick(organizationIds)].filter((id, i, all) => all.indexOf(id) === i);
    for (const organizationId of orgs) {
      const roll = random();
      memberships.push(
        roll < 0.9
          ? { user_id: userId, organization_id: organizationId }
          : { user_id: userId, organization_id: organizationId, status: roll < 0.95 ? 'pending' : 'inactive' },
      );
    }
  }

  // Targets name users and organizations alike: each subject is as likely as any other.
  const subjects = [...userIds, ...organizationIds];
  const perFlag = Math.floor(size.targets / size.flags);
  const flags = Array.from({ length: size.flags }, (_, i) => {
    const time = BASE_TIME + i * 1000;
    const targets: (string | { id: string; enabled: boolean })[] = [];
    const taken = new Set<string>();
    const count = perFlag + (i < size.targets % size.flags ? 1 : 0);
    while (targets.length < count) {
      const id = pick(subjects);
      if (taken.has(id)) continue;
      taken.add(id);
      const roll = random();
      targets.push(roll < 0.15 ? { id, enabled: false } : roll < 0.2 ? { id, enabled: true } : id);
    }
    return {
      id: makeId('flag_', time, random),
      slug: `flag-${i}`,
      name: `Flag ${i}`,
      description: i % 3 === 0 ? `Benchmark flag number ${i}` : null,
      owner: i % 4 === 0 ? { email: `owner${i % 10}@example.com`, first_name: 'Owner', last_name: null } : null,
      tags: i % 2 === 0 ? ['bench', `group-${i % 5}`] : [],
      enabled: random() < 0.75,
      default_value: random() < 0.4,
      targets,
      created_at: new Date(time).toISOString(),
    };
  });

  const text = JSON.stringify({ api_keys: [BENCH_KEY], organizations, users, organization_memberships: memberships, feature_flags: flags });
  writeFileSync(path, text);
  const counts = { ...size, memberships: memberships.length };
  return {
    path,
    bytes: Buffer.byteLength(text),
    rows: size.organizations + size.users + memberships.length + size.flags + size.targets,
    counts,
    userIds,
    organizationIds,
    apiKey: BENCH_KEY,
  };
}
