import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type Permission = { id: string; slug: string; name: string; description: string | null; system: boolean; resource_type_slug: string; updated_at: string };
type Page = { data: Permission[]; list_metadata: { before: string | null; after: string | null } };
type Err = { message: string; code?: string };

const call = (method: string, url: string, payload?: object) =>
  t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(payload && { payload }) });

describe('permissions', () => {
  it('creates, finds, updates, lists (newest first, paginated) and deletes', async () => {
    t = await buildTestApp({ clock: '2026-03-01T00:00:00.000Z' });
    const created = expectSpec(
      await call('POST', '/authorization/permissions', { slug: 'posts:read', name: 'Read posts', description: 'Reads', resource_type_slug: 'workspace' }),
      'AuthorizationPermissionsController_create',
      201,
    ) as Permission;
    expect(created).toMatchObject({ slug: 'posts:read', system: false, resource_type_slug: 'workspace', description: 'Reads' });
    expect(created.id).toMatch(/^perm_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    for (const slug of ['posts:write', 'posts.*', 'admin_all']) {
      const p = expectSpec(await call('POST', '/authorization/permissions', { slug, name: slug }), 'AuthorizationPermissionsController_create', 201) as Permission;
      expect(p.resource_type_slug).toBe('organization');
    }
    expect(expectSpec(await call('GET', '/authorization/permissions/posts:read'), 'AuthorizationPermissionsController_find', 200)).toEqual(created);

    const first = expectSpec(await call('GET', '/authorization/permissions?limit=3'), 'AuthorizationPermissionsController_list', 200) as Page;
    expect(first.data.map((p) => p.slug)).toEqual(['admin_all', 'posts.*', 'posts:write']);
    const second = expectSpec(
      await call('GET', `/authorization/permissions?limit=3&after=${first.list_metadata.after}`),
      'AuthorizationPermissionsController_list',
      200,
    ) as Page;
    expect(second.data.map((p) => p.slug)).toEqual(['posts:read']);
    expect(second.list_metadata.after).toBeNull();
    const asc = expectSpec(await call('GET', '/authorization/permissions?order=asc&limit=1'), 'AuthorizationPermissionsController_list', 200) as Page;
    expect(asc.data.map((p) => p.slug)).toEqual(['posts:read']);

    t.clock.set('2026-03-02T00:00:00.000Z');
    const updated = expectSpec(
      await call('PATCH', '/authorization/permissions/posts:read', { name: 'View posts', description: null }),
      'AuthorizationPermissionsController_update',
      200,
    ) as Permission;
    expect(updated).toMatchObject({ name: 'View posts', description: null, updated_at: '2026-03-02T00:00:00.000Z', resource_type_slug: 'workspace' });

    expectSpec(await call('DELETE', '/authorization/permissions/posts:read'), 'AuthorizationPermissionsController_delete', 204);
    expectSpec(await call('GET', '/authorization/permissions/posts:read'), 'AuthorizationPermissionsController_find', 404);
    expectSpec(await call('DELETE', '/authorization/permissions/posts:read'), 'AuthorizationPermissionsController_delete', 404);
  });

  it('answers 409 for a taken slug, 422 for bad bodies and queries, 404 for unknown slugs', async () => {
    t = await buildTestApp();
    await call('POST', '/authorization/permissions', { slug: 'a', name: 'A' });
    const dup = expectSpec(await call('POST', '/authorization/permissions', { slug: 'a', name: 'A' }), 'AuthorizationPermissionsController_create', 409) as Err;
    expect(dup.code).toBe('permission_slug_conflict');
    expectSpec(await call('POST', '/authorization/permissions', { slug: 'Upper', name: 'A' }), 'AuthorizationPermissionsController_create', 422);
    expectSpec(await call('POST', '/authorization/permissions', { name: 'A' }), 'AuthorizationPermissionsController_create', 422);
    expectSpec(await call('POST', '/authorization/permissions', { slug: 'b', name: 'A', description: 'd'.repeat(151) }), 'AuthorizationPermissionsController_create', 422);
    expectSpec(await call('PATCH', '/authorization/permissions/a', { name: '' }), 'AuthorizationPermissionsController_update', 422);
    expectSpec(await call('PATCH', '/authorization/permissions/zz', { name: 'Z' }), 'AuthorizationPermissionsController_update', 404);
    const missing = expectSpec(await call('GET', '/authorization/permissions/zz'), 'AuthorizationPermissionsController_find', 404) as Err;
    expect(missing.message).toBe("Permission not found: 'zz'.");
    const res = await call('GET', '/authorization/permissions?limit=0');
    expect(res.statusCode).toBe(422);
    expect((res.json() as Err).message).toMatch(/limit/);
  });

  it('leaves every role when deleted, and refuses to delete a system permission (403)', async () => {
    t = await buildTestApp({ seed: { roles: [{ slug: 'admin', permissions: ['posts:read', 'posts:write'] }], permissions: [{ slug: 'widgets:users-table:manage', name: 'Manage users', system: true }] } });
    expectSpec(await call('DELETE', '/authorization/permissions/posts:read'), 'AuthorizationPermissionsController_delete', 204);
    const admin = (await call('GET', '/authorization/roles/admin')).json() as { permissions: string[] };
    expect(admin.permissions).toEqual(['posts:write']);
    const sys = expectSpec(await call('DELETE', '/authorization/permissions/widgets:users-table:manage'), 'AuthorizationPermissionsController_delete', 403) as Err;
    expect(sys.message).toMatch(/System permission/);
    const kept = expectSpec(await call('GET', '/authorization/permissions/widgets:users-table:manage'), 'AuthorizationPermissionsController_find', 200) as Permission;
    expect(kept.system).toBe(true);
  });
});
