import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlagstand, type RunningFlagstand } from '../../src/index.js';
import { pinnedId } from '../helpers/ids.js';

// Two test workers sharing one server, each in its own environment (the recommended setup for
// parallel runners): their SDK calls interleave, and neither ever sees the other's data.

const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);

let server: RunningFlagstand;
beforeAll(async () => {
  server = await startFlagstand({
    logLevel: 'silent',
    seed: {
      organizations: [{ id: ACME, name: 'Acme' }],
      users: [{ id: ADA, email: 'ada@example.com' }],
      organization_memberships: [{ user_id: ADA, organization_id: ACME }],
      feature_flags: [
        { slug: 'checkout', enabled: true },
        { slug: 'search', enabled: false, default_value: true },
      ],
    },
  });
});
afterAll(() => server.close());

/** What a worker's setup file does: an environment of its own, copied from the seeded default one. */
async function workerEnvironment(name: string): Promise<string> {
  const res = await fetch(`${server.url}/_flagstand/environments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, from_environment: 'default' }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { api_key: string }).api_key;
}

async function adminCall(key: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${server.url}/_flagstand${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status;
}

/** One worker's test file: three "tests", each starting from a reset of its own environment. */
async function runWorker(name: string): Promise<string[]> {
  const key = await workerEnvironment(name);
  const workos = new WorkOS(key, { ...server.sdkOptions });
  const flags = workos.featureFlags;
  const slugs = async () => (await flags.listFeatureFlags({ order: 'asc' })).data.map((f) => f.slug);
  const forAda = async () => (await flags.listUserFeatureFlags({ userId: ADA })).data.map((f) => f.slug).sort();
  const seen: string[] = [];

  for (let test = 0; test < 3; test++) {
    expect(await adminCall(key, 'POST', '/environments/current/reset')).toBe(200);
    expect(await slugs()).toEqual(['checkout', 'search']);
    expect(await forAda()).toEqual([]);

    // Each worker makes its own, different changes.
    const own = `${name}-flag-${test}`;
    expect(await adminCall(key, 'POST', '/feature-flags', { slug: own, enabled: true, default_value: true })).toBe(201);
    await flags.enableFeatureFlag('search');
    if (name === 'a') await flags.addFlagTarget({ slug: 'checkout', targetId: ACME });
    else await flags.disableFeatureFlag('checkout');

    expect(await slugs()).toEqual(['checkout', 'search', own]);
    expect(await forAda()).toEqual(name === 'a' ? [own, 'checkout', 'search'].sort() : [own, 'search'].sort());
    const poll = (await workos.get<Record<string, { enabled: boolean }>>('/sdk/feature-flags')).data;
    expect(Object.keys(poll).sort()).toEqual(['checkout', own, 'search'].sort());
    expect(poll.checkout.enabled).toBe(name === 'a');
    seen.push(...(await slugs()));
  }
  return seen;
}

describe('parallel workers on one server', () => {
  it('run interleaved SDK calls in separate environments without seeing each other', async () => {
    const [a, b] = await Promise.all([runWorker('a'), runWorker('b')]);
    expect(a.some((slug) => slug.startsWith('b-'))).toBe(false);
    expect(b.some((slug) => slug.startsWith('a-'))).toBe(false);
    // The shared default environment was copied, never changed.
    const defaults = new WorkOS(server.apiKey, { ...server.sdkOptions });
    const checkout = await defaults.featureFlags.getFeatureFlag('checkout');
    expect(checkout.enabled).toBe(true);
    expect((await defaults.featureFlags.listOrganizationFeatureFlags({ organizationId: ACME })).data).toEqual([]);
  });
});
