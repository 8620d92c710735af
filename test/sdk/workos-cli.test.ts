import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The official WorkOS CLI (npm `workos` 0.14.0) is built on @workos-inc/node 8.x (8.13.0 resolves):
// the same release as this alias. The CLI itself is not a devDependency (it pulls in ~300 MB);
// these tests make the calls its commands make, with the arguments they pass, over a real port.
import { WorkOS } from 'workos-node-8';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

const KEY = 'sk_test_cli';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme', domains: ['acme.com'] }],
  users: [{ id: ADA, email: 'ada@acme.com' }],
};

let server: RunningFlagstand;
let workos: WorkOS;
let base: string;

beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  base = `http://127.0.0.1:${server.port}`;
  // What the CLI's createWorkOSClient does with an environment's `--endpoint http://127.0.0.1:PORT`.
  const url = new URL(base);
  workos = new WorkOS(KEY, { apiHostname: url.hostname, port: Number(url.port), https: url.protocol === 'https:' });
});
afterEach(async () => {
  await server.close();
});

/** The CLI's raw requests (lib/workos-api.js): Bearer key, JSON body. */
const raw = (method: 'POST' | 'PUT', path: string, body: object) =>
  fetch(base + path, { method, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The CLI's seed test for "exists already, skip" (commands/seed.js isAlreadyExists). */
const isAlreadyExists = (error: unknown) => error instanceof Error && /already exists|conflict|duplicate/i.test(error.message);

/** The CLI's redirect URI / CORS origin test for "exists already" (lib/workos-client.js). */
const alreadyThere = async (res: Response) =>
  res.status === 409 || (res.status === 422 && ((await res.json()) as { message: string }).message.includes('already exists'));

/** One run of `workos seed --file=workos-seed.yml` on the file `workos seed --init` writes. */
async function seedTemplate(): Promise<{ created: string[]; skipped: string[] }> {
  const created: string[] = [];
  const skipped: string[] = [];
  const attempt = async (name: string, create: () => Promise<unknown>) => {
    try {
      await create();
      created.push(name);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      skipped.push(name);
    }
  };
  await attempt('permission posts:read', () => workos.authorization.createPermission({ slug: 'posts:read', name: 'Read Posts' }));
  await attempt('permission posts:write', () =>
    workos.authorization.createPermission({ slug: 'posts:write', name: 'Write Posts', description: 'Create and edit posts' }),
  );
  await attempt('role admin', () => workos.authorization.createEnvironmentRole({ slug: 'admin', name: 'Admin', description: 'Full access' }));
  await workos.authorization.setEnvironmentRolePermissions('admin', { permissions: ['posts:read', 'posts:write'] });
  await attempt('role viewer', () => workos.authorization.createEnvironmentRole({ slug: 'viewer', name: 'Viewer' }));
  await workos.authorization.setEnvironmentRolePermissions('viewer', { permissions: ['posts:read'] });
  await attempt('organization Acme Corp', () =>
    workos.organizations.createOrganization({ name: 'Acme Corp', domainData: [{ domain: 'acme.example', state: 'verified' as never }] }),
  );
  for (const [name, res] of [
    ['redirect uri', await raw('POST', '/user_management/redirect_uris', { uri: 'http://localhost:3000/auth/callback' })],
    ['cors origin', await raw('POST', '/user_management/cors_origins', { origin: 'http://localhost:3000' })],
  ] as const) {
    if (res.ok) created.push(name);
    else if (await alreadyThere(res)) skipped.push(name);
    else throw new Error(`${name}: ${res.status}`);
  }
  const homepage = await raw('PUT', '/user_management/app_homepage_url', { url: 'http://localhost:3000' });
  if (!homepage.ok) throw new Error(`homepage: ${homepage.status}`);
  return { created, skipped };
}

describe('the WorkOS CLI’s seed, as @workos-inc/node 8.13 and its raw requests send it', () => {
  it('seeds the template on a fresh environment (admin is a default role: skipped), and a second run skips everything', async () => {
    const first = await seedTemplate();
    expect(first.skipped).toEqual(['role admin']);
    expect(first.created).toEqual([
      'permission posts:read',
      'permission posts:write',
      'role viewer',
      'organization Acme Corp',
      'redirect uri',
      'cors origin',
    ]);
    const admin = await workos.authorization.getEnvironmentRole('admin');
    expect(admin.permissions).toEqual(['posts:read', 'posts:write']);
    expect((await workos.authorization.getEnvironmentRole('viewer')).permissions).toEqual(['posts:read']);

    const second = await seedTemplate();
    expect(second.created).toEqual([]);
    expect(second.skipped).toEqual([
      'permission posts:read',
      'permission posts:write',
      'role admin',
      'role viewer',
      'organization Acme Corp',
      'redirect uri',
      'cors origin',
    ]);
    expect((await workos.organizations.listOrganizations({ domains: ['acme.example'] })).data).toHaveLength(1);
  });

  it('`seed --clean` deletes the seeded organizations and permissions; roles stay (the CLI skips them)', async () => {
    const org = await workos.organizations.createOrganization({ name: 'Temp', domainData: [{ domain: 'temp.example', state: 'verified' as never }] });
    await workos.authorization.createPermission({ slug: 'temp:read', name: 'Temp' });
    await workos.authorization.createEnvironmentRole({ slug: 'temp-role', name: 'Temp role' });
    await workos.authorization.setEnvironmentRolePermissions('temp-role', { permissions: ['temp:read'] });
    await workos.organizations.deleteOrganization(org.id);
    await workos.authorization.deletePermission('temp:read');
    expect((await workos.authorization.getEnvironmentRole('temp-role')).permissions).toEqual([]);
    await expect(workos.organizations.getOrganization(org.id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('the WorkOS CLI’s role and permission commands', () => {
  it('role create/get/update/set-permissions/add-permission/remove-permission/delete with --org', async () => {
    await workos.authorization.createPermission({ slug: 'docs:read', name: 'Read docs' });
    await workos.authorization.createPermission({ slug: 'docs:write', name: 'Write docs' });
    const role = await workos.authorization.createOrganizationRole(ACME, { slug: 'org-editor', name: 'Editor' });
    expect(role).toMatchObject({ slug: 'org-editor', type: 'OrganizationRole', permissions: [] });
    // `role get <env role> --org`: the organization's roles include the environment's.
    expect(await workos.authorization.getOrganizationRole(ACME, 'member')).toMatchObject({ slug: 'member', type: 'EnvironmentRole' });
    expect(await workos.authorization.updateOrganizationRole(ACME, 'org-editor', { name: 'Org editor' })).toMatchObject({ name: 'Org editor' });
    const set = await workos.authorization.setOrganizationRolePermissions(ACME, 'org-editor', { permissions: ['docs:read'] });
    expect(set.permissions).toEqual(['docs:read']);
    const added = await workos.authorization.addOrganizationRolePermission(ACME, 'org-editor', { permissionSlug: 'docs:write' });
    expect(added.permissions).toEqual(['docs:read', 'docs:write']);
    await workos.authorization.removeOrganizationRolePermission(ACME, 'org-editor', { permissionSlug: 'docs:read' });
    expect((await workos.authorization.getOrganizationRole(ACME, 'org-editor')).permissions).toEqual(['docs:write']);
    const roles = await workos.authorization.listOrganizationRoles(ACME);
    expect(roles.data.map((r) => r.slug)).toContain('org-editor');
    await workos.authorization.deleteOrganizationRole(ACME, 'org-editor');
    await expect(workos.authorization.getOrganizationRole(ACME, 'org-editor')).rejects.toMatchObject({ status: 404 });
  });

  it('answers the CLI’s invalid input as production documents it: 409 slug conflicts, 404 unknown slugs, 422 bad slugs', async () => {
    await workos.authorization.createPermission({ slug: 'a:b', name: 'A' });
    await expect(workos.authorization.createPermission({ slug: 'a:b', name: 'A' })).rejects.toMatchObject({ status: 409 });
    await expect(workos.authorization.createPermission({ slug: 'Bad Slug', name: 'A' })).rejects.toMatchObject({ status: 422 });
    await expect(workos.authorization.getPermission('nope')).rejects.toMatchObject({ status: 404 });
    await expect(workos.authorization.createEnvironmentRole({ slug: 'member', name: 'M' })).rejects.toMatchObject({ status: 409 });
    await expect(workos.authorization.setEnvironmentRolePermissions('member', { permissions: ['nope'] })).rejects.toMatchObject({ status: 422 });
    await expect(workos.authorization.addEnvironmentRolePermission('member', { permissionSlug: 'nope' })).rejects.toMatchObject({ status: 404 });
    await expect(workos.authorization.createOrganizationRole('org_nope', { slug: 'org-x', name: 'X' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('the WorkOS CLI’s membership, invitation, user and session commands', () => {
  it('membership create/update/deactivate/reactivate/delete and list --user', async () => {
    const m = await workos.userManagement.createOrganizationMembership({ organizationId: ACME, userId: ADA, roleSlug: 'admin' });
    expect(m).toMatchObject({ status: 'active', role: { slug: 'admin' } });
    expect((await workos.userManagement.updateOrganizationMembership(m.id, { roleSlug: 'member' })).role).toEqual({ slug: 'member' });
    // `membership update <id>` without --role sends an empty body: nothing changes.
    expect((await workos.userManagement.updateOrganizationMembership(m.id, {})).role).toEqual({ slug: 'member' });
    expect((await workos.userManagement.deactivateOrganizationMembership(m.id)).status).toBe('inactive');
    expect((await workos.userManagement.reactivateOrganizationMembership(m.id)).status).toBe('active');
    const list = await workos.userManagement.listOrganizationMemberships({ userId: ADA, limit: undefined, order: undefined });
    expect(list.data.map((x) => x.id)).toEqual([m.id]);
    await workos.userManagement.deleteOrganizationMembership(m.id);
    await expect(workos.userManagement.getOrganizationMembership(m.id)).rejects.toMatchObject({ status: 404 });
  });

  it('invitation send (--org --role --expires-in-days), resend, revoke, list --email', async () => {
    const inv = await workos.userManagement.sendInvitation({ email: 'new@acme.com', organizationId: ACME, roleSlug: 'admin', expiresInDays: 3 });
    expect(inv).toMatchObject({ state: 'pending', organizationId: ACME });
    expect(Date.parse(inv.expiresAt) - Date.parse(inv.createdAt)).toBe(3 * 86_400_000);
    expect((await workos.userManagement.resendInvitation(inv.id)).state).toBe('pending');
    expect((await workos.userManagement.revokeInvitation(inv.id)).state).toBe('revoked');
    await expect(workos.userManagement.revokeInvitation(inv.id)).rejects.toMatchObject({ status: 400 });
    const list = await workos.userManagement.listInvitations({ email: 'new@acme.com' });
    expect(list.data.map((i) => i.id)).toEqual([inv.id]);
    await expect(workos.userManagement.sendInvitation({ email: 'x@acme.com', expiresInDays: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it('user update (--first-name --email-verified --password --external-id), session list and revoke', async () => {
    const user = await workos.userManagement.updateUser({ userId: ADA, firstName: 'Ada', emailVerified: true, password: 'pw-for-cli-test', externalId: 'ext-ada' });
    expect(user).toMatchObject({ firstName: 'Ada', emailVerified: true, externalId: 'ext-ada' });
    const env = (await (await fetch(`${base}/_flagstand/environments/current`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { client_id: string };
    await workos.userManagement.authenticateWithPassword({ clientId: env.client_id, email: 'ada@acme.com', password: 'pw-for-cli-test' });
    const sessions = await workos.userManagement.listSessions(ADA, { limit: undefined, before: undefined, after: undefined, order: undefined });
    expect(sessions.data).toHaveLength(1);
    await workos.userManagement.revokeSession({ sessionId: sessions.data[0].id });
    expect((await workos.userManagement.listSessions(ADA)).data[0].status).toBe('revoked');
    await workos.userManagement.deleteUser(ADA);
    await expect(workos.userManagement.getUser(ADA)).rejects.toMatchObject({ status: 404 });
  });
});
