import type { GeneratedSeed } from './seed.js';

/** One HTTP request of a workload, as autocannon takes it. */
export interface WorkloadRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  path: string;
  headers: Record<string, string>;
}

/** Tests each connection cycles through: enough that its writes and reads spread over many rows. */
const TESTS_PER_CONNECTION = 50;

/**
 * A test suite's traffic, the way parallel test workers make it: every connection is a worker
 * running tests one after another in the environment of its key (connection c uses key
 * c mod keys.length). One test is 20 requests:
 *
 *   2 writes   toggle flag F away from its seeded state (PUT …/enable or …/disable), and add
 *              user U as a target of flag G (POST /feature-flags/G/targets/U; U was no target of G)
 *   8 reads    U's flags, the flags of U's first organization O, GET flag F, the flag list,
 *              the flags of another member of O (or another user), GET flag G, the flags of an
 *              unrelated organization, the flags of an unrelated user
 *   2 writes   both undone (the opposite toggle, DELETE the target)
 *   8 reads    the same 8 again
 *
 * Every write changes a row (never a no-op) and every test leaves the data as it found it, so the
 * request list can be cycled for as long as the run lasts. Connections sharing an environment
 * write disjoint flags (flag index ≡ worker slot mod workers in that environment).
 */
export function suiteRequests(seed: GeneratedSeed, keys: string[], connections: number): WorkloadRequest[][] {
  const { flags, userIds, organizationIds, organizationsOf } = seed;
  const membersOf = new Map<string, string[]>();
  for (const [user, orgs] of organizationsOf) for (const org of orgs) (membersOf.get(org) ?? membersOf.set(org, []).get(org)!).push(user);
  // Users spread over the whole table, a different one for every test of every connection.
  const stride = Math.max(1, Math.floor(userIds.length / (connections * TESTS_PER_CONNECTION + 1)));
  const lists: WorkloadRequest[][] = [];
  for (let c = 0; c < connections; c++) {
    const key = keys[c % keys.length];
    const workersHere = Math.ceil((connections - (c % keys.length)) / keys.length);
    const slot = Math.floor(c / keys.length);
    const ownFlags = flags.map((_, i) => i).filter((i) => i % workersHere === slot);
    const headers = { authorization: `Bearer ${key}` };
    const req = (method: WorkloadRequest['method'], path: string): WorkloadRequest => ({ method, path, headers });
    const list: WorkloadRequest[] = [];
    for (let t = 0; t < TESTS_PER_CONNECTION; t++) {
      const n = c * TESTS_PER_CONNECTION + t;
      const f = flags[ownFlags[(2 * t) % ownFlags.length]];
      const g = flags[ownFlags[(2 * t + 1) % ownFlags.length]];
      let u = n * stride;
      while (g.targeted.has(userIds[u % userIds.length])) u++;
      const user = userIds[u % userIds.length];
      const org = organizationsOf.get(user)![0];
      const other = membersOf.get(org)!.find((id) => id !== user) ?? userIds[(u + 1) % userIds.length];
      const unrelatedOrg = organizationIds[(n * 7919) % organizationIds.length];
      const unrelatedUser = userIds[(u + Math.floor(userIds.length / 2)) % userIds.length];
      const toggle = (on: boolean) => req('PUT', `/feature-flags/${f.slug}/${on ? 'enable' : 'disable'}`);
      const reads = [
        req('GET', `/user_management/users/${user}/feature-flags`),
        req('GET', `/organizations/${org}/feature-flags`),
        req('GET', `/feature-flags/${f.slug}`),
        req('GET', '/feature-flags'),
        req('GET', `/user_management/users/${other}/feature-flags`),
        req('GET', `/feature-flags/${g.slug}`),
        req('GET', `/organizations/${unrelatedOrg}/feature-flags`),
        req('GET', `/user_management/users/${unrelatedUser}/feature-flags`),
      ];
      const target = `/feature-flags/${g.slug}/targets/${user}`;
      list.push(toggle(!f.enabled), req('POST', target), ...reads, toggle(f.enabled), req('DELETE', target), ...reads);
    }
    lists.push(list);
  }
  return lists;
}

/**
 * Writes alone, each undone by the next request so the list cycles: per connection, one of its
 * own flags enabled and disabled in turn, or one of its own users added to and removed from a flag's
 * targets in turn.
 */
export function writeRequests(seed: GeneratedSeed, key: string, connections: number, kind: 'toggle' | 'target'): WorkloadRequest[][] {
  const headers = { authorization: `Bearer ${key}` };
  return Array.from({ length: connections }, (_, c) => {
    const list: WorkloadRequest[] = [];
    for (let t = 0; t < TESTS_PER_CONNECTION; t++) {
      const flag = seed.flags[(t * connections + c) % seed.flags.length];
      if (kind === 'toggle') {
        const [first, second] = flag.enabled ? ['disable', 'enable'] : ['enable', 'disable'];
        list.push({ method: 'PUT', path: `/feature-flags/${flag.slug}/${first}`, headers }, { method: 'PUT', path: `/feature-flags/${flag.slug}/${second}`, headers });
      } else {
        let u = (c * TESTS_PER_CONNECTION + t) * 13;
        while (flag.targeted.has(seed.userIds[u % seed.userIds.length])) u++;
        const path = `/feature-flags/${flag.slug}/targets/${seed.userIds[u % seed.userIds.length]}`;
        list.push({ method: 'POST', path, headers }, { method: 'DELETE', path, headers });
      }
    }
    return list;
  });
}
