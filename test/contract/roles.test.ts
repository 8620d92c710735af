import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const OP = 'AuthorizationOrganizationRolesController_list';
type Role = { slug: string; name: string; description: string | null; type: string; permissions: string[]; id: string };

describe('list the roles of an organization', () => {
  it('answers the environment roles, admin then member, as EnvironmentRoles', async () => {
    const org = newId('organization');
    t = await buildTestApp({ seed: { organizations: [{ id: org, name: 'Acme' }] }, clock: '2026-04-01T00:00:00.000Z' });
    const res = await t.app.inject({ method: 'GET', url: `/authorization/organizations/${org}/roles`, headers: t.headers });
    const body = expectSpec(res, OP, 200) as { object: string; data: Role[] };
    expect(body.object).toBe('list');
    expect(body.data.map((r) => [r.slug, r.name, r.type])).toEqual([
      ['admin', 'Admin', 'EnvironmentRole'],
      ['member', 'Member', 'EnvironmentRole'],
    ]);
    expect(body.data[0]).toMatchObject({ object: 'role', description: null, resource_type_slug: 'organization', permissions: [] });
    expect(body.data[0].id).toMatch(/^role_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it('includes seeded roles after the defaults, and a seed entry can describe a default', async () => {
    const org = newId('organization');
    t = await buildTestApp({
      seed: {
        organizations: [{ id: org, name: 'Acme' }],
        roles: [
          { slug: 'billing', name: 'Billing', permissions: ['invoices:read'] },
          { slug: 'member', description: 'Everyone else' },
        ],
      },
    });
    const res = await t.app.inject({ method: 'GET', url: `/authorization/organizations/${org}/roles`, headers: t.headers });
    const body = expectSpec(res, OP, 200) as { data: Role[] };
    expect(body.data.map((r) => r.slug)).toEqual(['admin', 'member', 'billing']);
    expect(body.data[1]).toMatchObject({ name: 'Member', description: 'Everyone else' });
    expect(body.data[2]).toMatchObject({ name: 'Billing', permissions: ['invoices:read'] });
  });

  it('answers the same list at /organizations/{id}/roles, where workos-node before 11 asks', async () => {
    const org = newId('organization');
    t = await buildTestApp({ seed: { organizations: [{ id: org, name: 'Acme' }], roles: [{ slug: 'billing' }] } });
    const current = await t.app.inject({ method: 'GET', url: `/authorization/organizations/${org}/roles`, headers: t.headers });
    const legacy = await t.app.inject({ method: 'GET', url: `/organizations/${org}/roles`, headers: t.headers });
    const body = expectSpec(legacy, OP, 200) as { data: Role[] };
    expect(body.data.map((r) => r.slug)).toEqual(['admin', 'member', 'billing']);
    expect(legacy.body).toBe(current.body);
    const missing = newId('organization');
    const unknown = await t.app.inject({ method: 'GET', url: `/organizations/${missing}/roles`, headers: t.headers });
    expect((expectSpec(unknown, OP, 404) as { message: string }).message).toBe(`Organization not found: '${missing}'.`);
  });

  it('answers 404 for an unknown organization', async () => {
    t = await buildTestApp();
    const org = newId('organization');
    const res = await t.app.inject({ method: 'GET', url: `/authorization/organizations/${org}/roles`, headers: t.headers });
    expect((expectSpec(res, OP, 404) as { message: string }).message).toBe(`Organization not found: '${org}'.`);
  });

  it('lets memberships take a seeded role and rejects one the environment lacks', async () => {
    const org = newId('organization');
    const user = newId('user');
    t = await buildTestApp({
      seed: { organizations: [{ id: org, name: 'Acme' }], users: [{ id: user, email: 'a@example.com' }], roles: [{ slug: 'billing' }] },
    });
    const payload = { user_id: user, organization_id: org, role_slug: 'billing' };
    const res = await t.app.inject({ method: 'POST', url: '/user_management/organization_memberships', headers: t.headers, payload });
    expect((expectSpec(res, 'UserlandUserOrganizationMembershipsController_create', 201) as { role: object }).role).toEqual({
      slug: 'billing',
    });
  });
});
