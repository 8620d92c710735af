import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/modules/events/catalogue.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { jsonCalls } from '../helpers/inject.js';
import { expectEventSpec } from '../helpers/events.js';
import { expectSpec } from '../helpers/spec.js';

// role.*, organization_role.* and permission.*: recorded with the authorization writes, data per
// the spec's event schemas (0.1.0, closed; permission.* also carries 0.61.0's resource_type_slug).
let t: TestApp;
afterEach(() => t?.app.close());

type Json = Record<string, any>;
const START = '2026-04-01T10:00:00.000Z';

const { call, ok } = jsonCalls(() => t);
async function allEvents(query = ''): Promise<Json[]> {
  const res = await t.app.inject({ method: 'GET', url: `/events?order=asc&limit=100&events=${[...EVENT_TYPES].join(',')}${query}`, headers: t.headers });
  const body = expectSpec(res, 'EventsController_list', 200) as Json;
  for (const event of body.data) expectEventSpec(event);
  return body.data;
}
const types = (events: Json[]) => events.map((e) => e.event);

describe('authorization events', () => {
  it('records environment roles, organization roles and permissions, each write once with the data the spec gives', async () => {
    t = await buildTestApp({ clock: START, seed: { organizations: [{ id: 'org_01HZX5QW0000000000000000A1', name: 'Acme' }] } });
    const ORG = 'org_01HZX5QW0000000000000000A1';
    const perm = await ok('POST', '/authorization/permissions', { slug: 'posts:read', name: 'Read posts', description: 'Read them' });
    await ok('POST', '/authorization/permissions', { slug: 'posts:write', name: 'Write posts' });
    await ok('PATCH', '/authorization/permissions/posts:read', { name: 'Read all posts' });
    const role = await ok('POST', '/authorization/roles', { slug: 'editor', name: 'Editor' });
    await ok('PATCH', '/authorization/roles/editor', { description: 'Edits' });
    await ok('PUT', '/authorization/roles/editor/permissions', { permissions: ['posts:read'] });
    await ok('POST', '/authorization/roles/editor/permissions', { slug: 'posts:write' });
    const custom = await ok('POST', `/authorization/organizations/${ORG}/roles`, { slug: 'org-billing', name: 'Billing' });
    await ok('PATCH', `/authorization/organizations/${ORG}/roles/org-billing`, { name: 'Billing admins' });
    await ok('PUT', `/authorization/organizations/${ORG}/roles/org-billing/permissions`, { permissions: ['posts:read'] });
    await ok('POST', `/authorization/organizations/${ORG}/roles/org-billing/permissions`, { slug: 'posts:write' });
    await ok('DELETE', `/authorization/organizations/${ORG}/roles/org-billing/permissions/posts:read`);
    await ok('DELETE', `/authorization/organizations/${ORG}/roles/org-billing`);
    await ok('DELETE', '/authorization/permissions/posts:read');

    const events = await allEvents();
    expect(types(events)).toEqual([
      'permission.created',
      'permission.created',
      'permission.updated',
      'role.created',
      'role.updated',
      'role.updated',
      'role.updated',
      'organization_role.created',
      'organization_role.updated',
      'organization_role.updated',
      'organization_role.updated',
      'organization_role.updated',
      'organization_role.deleted',
      // Deleting a permission takes it out of the roles that granted it: their updates come first.
      'role.updated',
      'permission.deleted',
    ]);
    expect(events[0].data).toEqual({
      object: 'permission', id: perm.id, slug: 'posts:read', name: 'Read posts', description: 'Read them', system: false,
      resource_type_slug: 'organization', created_at: START, updated_at: START,
    });
    expect(events[2].data).toMatchObject({ id: perm.id, name: 'Read all posts' });
    expect(events[3].data).toEqual({ object: 'role', slug: 'editor', resource_type_slug: role.resource_type_slug, permissions: [], created_at: START, updated_at: START });
    expect(events[5].data.permissions).toEqual(['posts:read']);
    expect(events[6].data.permissions).toEqual(['posts:read', 'posts:write']);
    expect(events[7].data).toEqual({
      object: 'organization_role', organization_id: ORG, slug: 'org-billing', name: 'Billing', description: null,
      resource_type_slug: custom.resource_type_slug, permissions: [], created_at: START, updated_at: START,
    });
    expect(events[8].data.name).toBe('Billing admins');
    expect(events[11].data.permissions).toEqual(['posts:write']);
    expect(events[12].data).toMatchObject({ slug: 'org-billing', permissions: ['posts:write'] });
    expect(events[13].data).toMatchObject({ slug: 'editor', permissions: ['posts:write'] });
    expect(events[14].data).toMatchObject({ id: perm.id, slug: 'posts:read' });
    // Organization roles are events about their organization.
    expect(types(await allEvents(`&organization_id=${ORG}`))).toEqual(types(events.slice(7, 13)));
  });

  it('records nothing for a write that fails or changes nothing', async () => {
    t = await buildTestApp({ clock: START, seed: { organizations: [{ id: 'org_01HZX5QW0000000000000000A1', name: 'Acme' }] } });
    const ORG = 'org_01HZX5QW0000000000000000A1';
    await ok('POST', '/authorization/permissions', { slug: 'posts:read', name: 'Read' });
    await ok('POST', '/authorization/roles', { slug: 'editor', name: 'Editor', description: 'Edits' });
    await ok('PUT', '/authorization/roles/editor/permissions', { permissions: ['posts:read'] });
    await ok('POST', `/authorization/organizations/${ORG}/roles`, { slug: 'org-billing', name: 'Billing' });
    const before = (await allEvents()).length;
    expect(before).toBe(4);
    await ok('PATCH', '/authorization/permissions/posts:read', { name: 'Read' });
    await ok('PATCH', '/authorization/roles/editor', { name: 'Editor', description: 'Edits' });
    await ok('PUT', '/authorization/roles/editor/permissions', { permissions: ['posts:read'] });
    await ok('POST', '/authorization/roles/editor/permissions', { slug: 'posts:read' });
    await ok('PATCH', `/authorization/organizations/${ORG}/roles/org-billing`, { name: 'Billing' });
    await ok('DELETE', `/authorization/organizations/${ORG}/roles/org-billing/permissions/posts:read`);
    expect((await call('POST', '/authorization/permissions', { slug: 'posts:read', name: 'Again' })).status).toBe(409);
    expect((await call('POST', '/authorization/roles', { slug: 'editor', name: 'Again' })).status).toBe(409);
    expect((await call('PUT', '/authorization/roles/editor/permissions', { permissions: ['nope'] })).status).toBe(422);
    expect((await call('DELETE', `/authorization/organizations/${ORG}/roles/org-nope`)).status).toBe(404);
    expect((await allEvents()).length).toBe(before);
  });
});
