import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ORG = pinnedId('organization', 1);
const ORG_RESOURCE = 'authz_resource_' + ORG.slice('org_'.length);
type Resource = { id: string; external_id: string; name: string; description: string | null; parent_resource_id: string | null; resource_type_slug: string; organization_id: string; updated_at: string };
type Page = { data: Resource[]; list_metadata: { before: string | null; after: string | null } };
type Err = { message: string; code?: string };

const call = (method: string, url: string, payload?: object) =>
  t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(payload && { payload }) });
const create = (body: object) => call('POST', '/authorization/resources', { organization_id: ORG, ...body });
const start = () => buildTestApp({ seed: { organizations: [{ id: ORG, name: 'Acme' }] }, clock: '2026-03-01T00:00:00.000Z' });

describe('resources', () => {
  it('creates a top-level resource (parent: the organization) and nested ones by id and by external id', async () => {
    t = await start();
    const ws = expectSpec(await create({ resource_type_slug: 'workspace', external_id: 'ws-1', name: 'Engineering' }), 'AuthorizationResourcesController_create', 201) as Resource;
    expect(ws).toMatchObject({ organization_id: ORG, parent_resource_id: ORG_RESOURCE, description: null, resource_type_slug: 'workspace' });
    expect(ws.id).toMatch(/^authz_resource_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    const byId = expectSpec(
      await create({ resource_type_slug: 'project', external_id: 'p-1', name: 'Web', parent_resource_id: ws.id }),
      'AuthorizationResourcesController_create',
      201,
    ) as Resource;
    expect(byId.parent_resource_id).toBe(ws.id);
    const byExternal = expectSpec(
      await create({ resource_type_slug: 'project', external_id: 'p-2', name: 'API', parent_resource_external_id: 'ws-1', parent_resource_type_slug: 'workspace' }),
      'AuthorizationResourcesController_create',
      201,
    ) as Resource;
    expect(byExternal.parent_resource_id).toBe(ws.id);
    // The organization itself, by its id as external id.
    const top = expectSpec(
      await create({ resource_type_slug: 'workspace', external_id: 'ws-2', name: 'Ops', parent_resource_external_id: ORG, parent_resource_type_slug: 'organization' }),
      'AuthorizationResourcesController_create',
      201,
    ) as Resource;
    expect(top.parent_resource_id).toBe(ORG_RESOURCE);

    expect(expectSpec(await call('GET', `/authorization/resources/${byId.id}`), 'AuthorizationResourcesController_findById', 200)).toEqual(byId);
    expect(
      expectSpec(await call('GET', `/authorization/organizations/${ORG}/resources/project/p-2`), 'AuthorizationResourcesByExternalIdController_getByExternalId', 200),
    ).toEqual(byExternal);
    const orgResource = expectSpec(
      await call('GET', `/authorization/organizations/${ORG}/resources/organization/${ORG}`),
      'AuthorizationResourcesByExternalIdController_getByExternalId',
      200,
    ) as Resource;
    expect(orgResource).toMatchObject({ id: ORG_RESOURCE, name: 'Acme', parent_resource_id: null, resource_type_slug: 'organization', external_id: ORG });
    expect(expectSpec(await call('GET', `/authorization/resources/${ORG_RESOURCE}`), 'AuthorizationResourcesController_findById', 200)).toEqual(orgResource);
  });

  it('refuses duplicates (409), unknown organizations and parents (404), bad bodies and parents named twice (422)', async () => {
    t = await start();
    await create({ resource_type_slug: 'workspace', external_id: 'ws-1', name: 'A' });
    const dup = expectSpec(await create({ resource_type_slug: 'workspace', external_id: 'ws-1', name: 'B' }), 'AuthorizationResourcesController_create', 409) as Err;
    expect(dup.code).toBe('authorization_resource_external_id_conflict');
    // Same external id, other type: a different resource.
    expectSpec(await create({ resource_type_slug: 'project', external_id: 'ws-1', name: 'B' }), 'AuthorizationResourcesController_create', 201);
    const missingOrg = pinnedId('organization', 7);
    const noOrg = expectSpec(
      await call('POST', '/authorization/resources', { organization_id: missingOrg, resource_type_slug: 'workspace', external_id: 'x', name: 'X' }),
      'AuthorizationResourcesController_create',
      404,
    ) as Err;
    expect(noOrg.message).toBe(`Organization not found: '${missingOrg}'.`);
    expectSpec(await create({ resource_type_slug: 'project', external_id: 'x', name: 'X', parent_resource_id: pinnedId('resource', 5) }), 'AuthorizationResourcesController_create', 404);
    expectSpec(
      await create({ resource_type_slug: 'project', external_id: 'x', name: 'X', parent_resource_id: ORG_RESOURCE, parent_resource_external_id: 'ws-1', parent_resource_type_slug: 'workspace' }),
      'AuthorizationResourcesController_create',
      422,
    );
    expectSpec(await create({ resource_type_slug: 'project', external_id: 'x', name: 'X', parent_resource_external_id: 'ws-1' }), 'AuthorizationResourcesController_create', 422);
    expectSpec(await create({ resource_type_slug: 'project', name: 'X' }), 'AuthorizationResourcesController_create', 422);
    expectSpec(await create({ resource_type_slug: 'project', external_id: 'é', name: 'X' }), 'AuthorizationResourcesController_create', 422);
    expectSpec(await create({ resource_type_slug: 'organization', external_id: 'x', name: 'X' }), 'AuthorizationResourcesController_create', 422);
    expectSpec(await call('GET', `/authorization/resources/${pinnedId('resource', 5)}`), 'AuthorizationResourcesController_findById', 404);
    expectSpec(await call('GET', `/authorization/organizations/${ORG}/resources/workspace/nope`), 'AuthorizationResourcesByExternalIdController_getByExternalId', 404);
  });

  it('updates by id and by external id, moves a resource, and never under itself; the organization resource is fixed', async () => {
    t = await start();
    const a = (await create({ resource_type_slug: 'workspace', external_id: 'a', name: 'A' })).json() as Resource;
    const b = (await create({ resource_type_slug: 'workspace', external_id: 'b', name: 'B' })).json() as Resource;
    const child = (await create({ resource_type_slug: 'project', external_id: 'c', name: 'C', parent_resource_id: a.id })).json() as Resource;
    t.clock.set('2026-03-02T00:00:00.000Z');
    const renamed = expectSpec(
      await call('PATCH', `/authorization/resources/${a.id}`, { name: 'A2', description: 'First' }),
      'AuthorizationResourcesController_update',
      200,
    ) as Resource;
    expect(renamed).toMatchObject({ name: 'A2', description: 'First', updated_at: '2026-03-02T00:00:00.000Z', external_id: 'a' });
    const moved = expectSpec(
      await call('PATCH', `/authorization/organizations/${ORG}/resources/project/c`, { parent_resource_id: b.id }),
      'AuthorizationResourcesByExternalIdController_updateByExternalId',
      200,
    ) as Resource;
    expect(moved.parent_resource_id).toBe(b.id);
    expectSpec(await call('PATCH', `/authorization/resources/${b.id}`, { parent_resource_id: child.id }), 'AuthorizationResourcesController_update', 422);
    expectSpec(await call('PATCH', `/authorization/resources/${ORG_RESOURCE}`, { name: 'X' }), 'AuthorizationResourcesController_update', 422);
    expectSpec(await call('PATCH', `/authorization/resources/${a.id}`, { name: 'n'.repeat(49) }), 'AuthorizationResourcesController_update', 422);
    expectSpec(await call('PATCH', `/authorization/organizations/${ORG}/resources/project/zz`, { name: 'Z' }), 'AuthorizationResourcesByExternalIdController_updateByExternalId', 404);
  });

  it('deletes a leaf, refuses a resource with children without cascade_delete (409), and cascades to descendants with it', async () => {
    t = await start();
    const ws = (await create({ resource_type_slug: 'workspace', external_id: 'ws', name: 'W' })).json() as Resource;
    const p = (await create({ resource_type_slug: 'project', external_id: 'p', name: 'P', parent_resource_id: ws.id })).json() as Resource;
    const app = (await create({ resource_type_slug: 'app', external_id: 'app', name: 'App', parent_resource_id: p.id })).json() as Resource;
    const leaf = (await create({ resource_type_slug: 'app', external_id: 'leaf', name: 'Leaf', parent_resource_id: p.id })).json() as Resource;
    expectSpec(await call('DELETE', `/authorization/resources/${leaf.id}`), 'AuthorizationResourcesController_delete', 204);
    const refused = expectSpec(await call('DELETE', `/authorization/resources/${ws.id}`), 'AuthorizationResourcesController_delete', 409) as Err;
    expect(refused.code).toBe('resource_has_dependents');
    expectSpec(await call('DELETE', `/authorization/organizations/${ORG}/resources/workspace/ws`), 'AuthorizationResourcesByExternalIdController_deleteByExternalId', 409);
    expectSpec(await call('DELETE', `/authorization/organizations/${ORG}/resources/workspace/ws?cascade_delete=true`), 'AuthorizationResourcesByExternalIdController_deleteByExternalId', 204);
    for (const id of [ws.id, p.id, app.id]) expectSpec(await call('GET', `/authorization/resources/${id}`), 'AuthorizationResourcesController_findById', 404);
    expectSpec(await call('DELETE', `/authorization/resources/${ORG_RESOURCE}`), 'AuthorizationResourcesController_delete', 403);
    expectSpec(await call('DELETE', `/authorization/resources/${ws.id}`), 'AuthorizationResourcesController_delete', 404);
  });

  it('lists newest first with filters: organization, type, external id, parent (by id or external id), name search', async () => {
    t = await start();
    const ws = (await create({ resource_type_slug: 'workspace', external_id: 'ws', name: 'Engineering' })).json() as Resource;
    t.clock.set('2026-03-01T00:00:01.000Z');
    await create({ resource_type_slug: 'project', external_id: 'p1', name: 'Website', parent_resource_id: ws.id });
    t.clock.set('2026-03-01T00:00:02.000Z');
    await create({ resource_type_slug: 'project', external_id: 'p2', name: 'Mobile site', parent_resource_id: ws.id });
    t.clock.set('2026-03-01T00:00:03.000Z');
    await create({ resource_type_slug: 'workspace', external_id: 'ws2', name: 'Sales' });
    const names = async (query: string) => {
      const page = expectSpec(await call('GET', `/authorization/resources${query}`), 'AuthorizationResourcesController_list', 200) as Page;
      return page.data.map((r) => r.name);
    };
    expect(await names('')).toEqual(['Sales', 'Mobile site', 'Website', 'Engineering']);
    expect(await names(`?organization_id=${ORG}&resource_type_slug=workspace`)).toEqual(['Sales', 'Engineering']);
    expect(await names('?resource_external_id=p1')).toEqual(['Website']);
    expect(await names(`?parent_resource_id=${ws.id}&order=asc`)).toEqual(['Website', 'Mobile site']);
    expect(await names(`?organization_id=${ORG}&parent_resource_type_slug=workspace&parent_external_id=ws`)).toEqual(['Mobile site', 'Website']);
    expect(await names(`?parent_resource_id=${ORG_RESOURCE}`)).toEqual(['Sales', 'Engineering']);
    expect(await names('?search=SITE')).toEqual(['Mobile site', 'Website']);
    const first = expectSpec(await call('GET', '/authorization/resources?limit=3'), 'AuthorizationResourcesController_list', 200) as Page;
    const next = expectSpec(await call('GET', `/authorization/resources?limit=3&after=${first.list_metadata.after}`), 'AuthorizationResourcesController_list', 200) as Page;
    expect(next.data.map((r) => r.name)).toEqual(['Engineering']);
    expectSpec(await call('GET', '/authorization/resources?limit=101'), 'AuthorizationResourcesController_list', 422);
    expectSpec(await call('GET', `/authorization/resources?parent_resource_id=${ws.id}&parent_external_id=ws`), 'AuthorizationResourcesController_list', 422);
  });
});
