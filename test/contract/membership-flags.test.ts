import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

// A user's flags follow its active memberships at once: every membership change is visible on the
// very next GET /user_management/users/{id}/feature-flags.
let t: TestApp;
afterEach(() => t?.app.close());

const org = newId('organization');
const other = newId('organization');
const user = newId('user');
const BASE = '/user_management/organization_memberships';

async function userFlags(): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/user_management/users/${user}/feature-flags`, headers: t.headers });
  const body = expectSpec(res, 'UserlandUserFeatureFlagsController_list', 200) as { data: { slug: string }[] };
  return body.data.map((f) => f.slug).sort();
}

async function call(method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: object): Promise<{ id: string }> {
  const res = await t.app.inject({ method, url, headers: t.headers, payload });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.body ? (JSON.parse(res.body) as { id: string }) : { id: '' };
}

describe('membership changes and the user feature flags', () => {
  async function setup(status?: 'active' | 'inactive' | 'pending') {
    t = await buildTestApp({
      seed: {
        organizations: [
          { id: org, name: 'Acme' },
          { id: other, name: 'Other' },
        ],
        users: [{ id: user, email: 'u@example.com' }],
        organization_memberships: status ? [{ user_id: user, organization_id: org, status }] : [],
        feature_flags: [
          // On for Acme only, through its organization target.
          { slug: 'acme-beta', enabled: true, default_value: false, targets: [org] },
          // On for everyone but Acme.
          { slug: 'not-for-acme', enabled: true, default_value: true, targets: [{ id: org, enabled: false }] },
          { slug: 'other-beta', enabled: true, default_value: false, targets: [other] },
        ],
      },
    });
  }

  it('create makes the organization flags apply at once', async () => {
    await setup();
    expect(await userFlags()).toEqual(['not-for-acme']);
    await call('POST', BASE, { user_id: user, organization_id: org });
    expect(await userFlags()).toEqual(['acme-beta']);
  });

  it('deactivate removes them at once, reactivate brings them back', async () => {
    await setup('active');
    const [m] = (JSON.parse((await t.app.inject({ method: 'GET', url: `${BASE}?user_id=${user}`, headers: t.headers })).body) as {
      data: { id: string }[];
    }).data;
    expect(await userFlags()).toEqual(['acme-beta']);
    await call('PUT', `${BASE}/${m.id}/deactivate`);
    expect(await userFlags()).toEqual(['not-for-acme']);
    await call('PUT', `${BASE}/${m.id}/reactivate`);
    expect(await userFlags()).toEqual(['acme-beta']);
  });

  it('delete removes them at once', async () => {
    await setup('active');
    const m = await call('POST', BASE, { user_id: user, organization_id: other });
    // Any active organization can turn a flag on: Other has no target, so not-for-acme is on again.
    expect(await userFlags()).toEqual(['acme-beta', 'not-for-acme', 'other-beta']);
    await call('DELETE', `${BASE}/${m.id}`);
    expect(await userFlags()).toEqual(['acme-beta']);
  });

  it('a pending membership does not count, and create re-activating an inactive one does', async () => {
    await setup('pending');
    expect(await userFlags()).toEqual(['not-for-acme']);
    await t.app.close();
    await setup('inactive');
    expect(await userFlags()).toEqual(['not-for-acme']);
    await call('POST', BASE, { user_id: user, organization_id: org, role_slug: 'admin' });
    expect(await userFlags()).toEqual(['acme-beta']);
  });
});
