import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

// Which flags the organization and user lists return, for a world of memberships in every status
// and flags with every kind of target. Expectations are worked out by hand from the rule in
// src/modules/feature-flags/evaluate.ts, one flag at a time (see the comments on each flag).

const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const INITECH = pinnedId('organization', 3); // no members
const SOLO = pinnedId('user', 1); // no memberships
const ACME_USER = pinnedId('user', 2); // active in Acme
const MULTI = pinnedId('user', 3); // active in Acme and Globex
const INACTIVE = pinnedId('user', 4); // inactive in Acme
const PENDING = pinnedId('user', 5); // pending in Acme
const MIXED = pinnedId('user', 6); // active in Globex, inactive in Acme

const off = (id: string) => ({ id, enabled: false });

// Flags in creation order; lists answer newest first.
const FLAGS: NonNullable<SeedEnvironment['feature_flags']> = [
  { slug: 'off-everyone', enabled: false, default_value: true, targets: [SOLO, ACME] }, // nobody
  { slug: 'default-on', enabled: true, default_value: true }, // everybody
  { slug: 'default-off', enabled: true }, // nobody
  { slug: 'acme-on', enabled: true, targets: [ACME] },
  { slug: 'acme-explicit-off', enabled: true, default_value: true, targets: [off(ACME)] },
  { slug: 'globex-on-acme-off', enabled: true, targets: [GLOBEX, off(ACME)] },
  { slug: 'user-on', enabled: true, targets: [SOLO, INACTIVE] },
  { slug: 'user-off-org-on', enabled: true, targets: [off(ACME_USER), ACME] },
  { slug: 'user-on-orgs-off', enabled: true, default_value: true, targets: [ACME_USER, off(ACME), off(GLOBEX)] },
  { slug: 'initech-on', enabled: true, targets: [INITECH] },
  { slug: 'disabled-user-on', enabled: false, targets: [ACME_USER] }, // nobody
  { slug: 'both-orgs-off', enabled: true, default_value: true, targets: [off(ACME), off(GLOBEX)] },
].map((flag, i) => ({ ...flag, created_at: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z` }));

const SEED: SeedEnvironment = {
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
    { id: INITECH, name: 'Initech' },
  ],
  users: [SOLO, ACME_USER, MULTI, INACTIVE, PENDING, MIXED].map((id, i) => ({ id, email: `user${i}@example.com` })),
  organization_memberships: [
    { user_id: ACME_USER, organization_id: ACME },
    { user_id: MULTI, organization_id: ACME },
    { user_id: MULTI, organization_id: GLOBEX, status: 'active' },
    { user_id: INACTIVE, organization_id: ACME, status: 'inactive' },
    { user_id: PENDING, organization_id: ACME, status: 'pending' },
    { user_id: MIXED, organization_id: GLOBEX },
    { user_id: MIXED, organization_id: ACME, status: 'inactive' },
  ],
  feature_flags: FLAGS,
};

/** Expected slugs in list order (newest first). */
const newestFirst = (slugs: string[]) =>
  FLAGS.map((f) => f.slug).filter((s) => slugs.includes(s)).reverse();

const CASES = [
  ['organization Acme', `/organizations/${ACME}/feature-flags`, ['default-on', 'acme-on', 'user-off-org-on']],
  ['organization Globex', `/organizations/${GLOBEX}/feature-flags`, ['default-on', 'acme-explicit-off', 'globex-on-acme-off']],
  [
    'organization Initech (no members)',
    `/organizations/${INITECH}/feature-flags`,
    ['default-on', 'acme-explicit-off', 'user-on-orgs-off', 'initech-on', 'both-orgs-off'],
  ],
  [
    'user without memberships',
    `/user_management/users/${SOLO}/feature-flags`,
    ['default-on', 'acme-explicit-off', 'user-on', 'user-on-orgs-off', 'both-orgs-off'],
  ],
  ['user active in Acme', `/user_management/users/${ACME_USER}/feature-flags`, ['default-on', 'acme-on', 'user-on-orgs-off']],
  [
    'user active in Acme and Globex',
    `/user_management/users/${MULTI}/feature-flags`,
    ['default-on', 'acme-on', 'acme-explicit-off', 'globex-on-acme-off', 'user-off-org-on'],
  ],
  [
    'user inactive in Acme (membership ignored)',
    `/user_management/users/${INACTIVE}/feature-flags`,
    ['default-on', 'acme-explicit-off', 'user-on', 'user-on-orgs-off', 'both-orgs-off'],
  ],
  [
    'user pending in Acme (membership ignored)',
    `/user_management/users/${PENDING}/feature-flags`,
    ['default-on', 'acme-explicit-off', 'user-on-orgs-off', 'both-orgs-off'],
  ],
  [
    'user active in Globex, inactive in Acme',
    `/user_management/users/${MIXED}/feature-flags`,
    ['default-on', 'acme-explicit-off', 'globex-on-acme-off'],
  ],
] as const;

const opOf = (url: string) =>
  url.startsWith('/organizations/') ? 'OrganizationFeatureFlagsController_list' : 'UserlandUserFeatureFlagsController_list';

interface FlagList {
  data: { slug: string }[];
  list_metadata: { before: string | null; after: string | null };
}

describe('evaluation through the lists', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ seed: SEED });
  });
  afterAll(() => t.app.close());

  it.each(CASES)('%s', async (_name, url, slugs) => {
    const res = await t.app.inject({ method: 'GET', url: `${url}?limit=100`, headers: t.headers });
    const body = expectSpec(res, opOf(url), 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(newestFirst([...slugs]));
    expect(body.list_metadata).toEqual({ before: null, after: null });
  });

  it.each(CASES)('%s, oldest first', async (_name, url, slugs) => {
    const res = await t.app.inject({ method: 'GET', url: `${url}?limit=100&order=asc`, headers: t.headers });
    const body = expectSpec(res, opOf(url), 200) as FlagList;
    expect(body.data.map((f) => f.slug)).toEqual(newestFirst([...slugs]).reverse());
  });
});

describe('lists follow writes', () => {
  let t: TestApp;
  afterEach(() => t?.app.close());

  const slugsOf = async (url: string) => {
    const res = await t.app.inject({ method: 'GET', url: `${url}?limit=100`, headers: t.headers });
    return (expectSpec(res, opOf(url), 200) as FlagList).data.map((f) => f.slug);
  };
  const write = async (method: 'PUT' | 'POST' | 'DELETE', url: string, status: number) => {
    const res = await t.app.inject({ method, url, headers: t.headers });
    expect(res.statusCode, res.body).toBe(status);
  };

  it('disable hides a flag from everyone, enable brings it back', async () => {
    t = await buildTestApp({ seed: SEED });
    await write('PUT', '/feature-flags/default-on/disable', 200);
    expect(await slugsOf(`/organizations/${ACME}/feature-flags`)).toEqual(['user-off-org-on', 'acme-on']);
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toEqual(['user-on-orgs-off', 'acme-on']);
    await write('PUT', '/feature-flags/default-on/enable', 200);
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toEqual(['user-on-orgs-off', 'acme-on', 'default-on']);
  });

  it('enabling a disabled flag applies its targets', async () => {
    t = await buildTestApp({ seed: SEED });
    await write('PUT', '/feature-flags/disabled-user-on/enable', 200);
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toEqual([
      'disabled-user-on',
      'user-on-orgs-off',
      'acme-on',
      'default-on',
    ]);
    expect(await slugsOf(`/user_management/users/${MULTI}/feature-flags`)).not.toContain('disabled-user-on');
  });

  it('targets added and removed through the API', async () => {
    t = await buildTestApp({ seed: SEED });
    // The pending user gains a flag through their own target.
    await write('POST', `/feature-flags/user-on/targets/${PENDING}`, 204);
    expect(await slugsOf(`/user_management/users/${PENDING}/feature-flags`)).toContain('user-on');
    // Acme's explicit off turns on: Acme, its active member, not its pending one.
    await write('POST', `/feature-flags/globex-on-acme-off/targets/${ACME}`, 204);
    expect(await slugsOf(`/organizations/${ACME}/feature-flags`)).toContain('globex-on-acme-off');
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toContain('globex-on-acme-off');
    expect(await slugsOf(`/user_management/users/${PENDING}/feature-flags`)).not.toContain('globex-on-acme-off');
    // Removing the user's explicit off lets Acme's target through.
    await write('DELETE', `/feature-flags/user-off-org-on/targets/${ACME_USER}`, 204);
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toContain('user-off-org-on');
    // Removing Acme's explicit off restores the default (on) for Acme's member.
    await write('DELETE', `/feature-flags/acme-explicit-off/targets/${ACME}`, 204);
    expect(await slugsOf(`/user_management/users/${ACME_USER}/feature-flags`)).toContain('acme-explicit-off');
  });
});
