import {
  BadRequestException,
  GenericServerException,
  NotFoundException,
  UnprocessableEntityException,
  WorkOS,
} from '@workos-inc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDK (11.0.0) over a real port: every userManagement user and membership method,
// and authorization.listOrganizationRoles (where 11.0.0 puts it), with the typed exceptions each
// error status becomes. Lists stay under one page: the SDK sleeps 350 ms between auto-paginated pages.

const KEY = 'sk_test_sdk_users';
const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const ADA = pinnedId('user', 1); // active member of Acme
const BOB = pinnedId('user', 2); // pending in Globex
const ADA_ACME = pinnedId('membership', 1);
const BOB_GLOBEX = pinnedId('membership', 2);

const SEED: SeedEnvironment = {
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
  ],
  users: [
    { id: ADA, email: 'ada@example.com', first_name: 'Ada', external_id: 'crm-ada', created_at: '2026-01-01T00:00:00.000Z' },
    { id: BOB, email: 'bob@example.com', created_at: '2026-01-01T00:00:01.000Z' },
  ],
  organization_memberships: [
    { id: ADA_ACME, user_id: ADA, organization_id: ACME, role_slug: 'admin' },
    { id: BOB_GLOBEX, user_id: BOB, organization_id: GLOBEX, status: 'pending' },
  ],
  feature_flags: [{ slug: 'acme-beta', enabled: true, targets: [ACME] }],
};

let server: RunningFlagstand;
let workos: WorkOS;

beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  // maxRetries 0: a 5xx fails at once instead of being retried with backoff.
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
});
afterEach(async () => {
  await server.close();
});

describe('userManagement users', () => {
  it('createUser, getUser, getUserByExternalId: deserialized with every field', async () => {
    const created = await workos.userManagement.createUser({
      email: 'Grace@Example.com',
      password: 'never stored',
      firstName: 'Grace',
      lastName: 'Hopper',
      emailVerified: true,
      externalId: 'crm-grace',
      metadata: { team: 'navy' },
    });
    expect(created).toMatchObject({
      object: 'user',
      email: 'grace@example.com',
      firstName: 'Grace',
      lastName: 'Hopper',
      emailVerified: true,
      externalId: 'crm-grace',
      metadata: { team: 'navy' },
      profilePictureUrl: null,
      lastSignInAt: null,
      locale: null,
    });
    expect(await workos.userManagement.getUser(created.id)).toEqual(created);
    expect((await workos.userManagement.getUserByExternalId('crm-ada')).id).toBe(ADA);
  });

  it('listUsers: newest first, filters by email and organization, autoPagination', async () => {
    const all = await workos.userManagement.listUsers();
    expect(all.data.map((u) => u.id)).toEqual([BOB, ADA]);
    expect(all.listMetadata).toEqual({ before: null, after: null });
    const byEmail = await workos.userManagement.listUsers({ email: 'ADA@example.com' });
    expect(byEmail.data.map((u) => u.id)).toEqual([ADA]);
    const byOrg = await workos.userManagement.listUsers({ organizationId: GLOBEX });
    expect(byOrg.data.map((u) => u.id)).toEqual([BOB]);
    const page = await workos.userManagement.listUsers({ limit: 1, order: 'asc' });
    expect(page.data.map((u) => u.id)).toEqual([ADA]);
    expect(page.listMetadata.after).toBe(ADA);
    expect((await (await workos.userManagement.listUsers()).autoPagination()).map((u) => u.id)).toEqual([BOB, ADA]);
  });

  it('updateUser: given fields change, omitted ones stay, a null metadata value deletes its key', async () => {
    await workos.userManagement.updateUser({ userId: ADA, metadata: { a: '1', b: '2' } });
    const user = await workos.userManagement.updateUser({ userId: ADA, lastName: 'Lovelace', locale: 'en-GB', metadata: { a: null } });
    expect(user).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', locale: 'en-GB', metadata: { b: '2' }, externalId: 'crm-ada' });
  });

  it('deleteUser: then getUser raises NotFoundException and the memberships are gone', async () => {
    await workos.userManagement.deleteUser(ADA);
    await expect(workos.userManagement.getUser(ADA)).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.userManagement.getOrganizationMembership(ADA_ACME)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('errors: a taken email is a BadRequestException with the reason in errors; a bad locale is 400 too', async () => {
    const taken = await workos.userManagement.createUser({ email: 'ada@example.com' }).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(BadRequestException);
    expect(taken).toMatchObject({ code: 'user_creation_error', errors: [{ code: 'email_not_available' }] });
    const locale = await workos.userManagement.updateUser({ userId: ADA, locale: 'no such locale!' }).catch((e: unknown) => e);
    expect(locale).toBeInstanceOf(GenericServerException);
    expect(locale).toMatchObject({ status: 400, code: 'invalid_locale' });
  });

  it('errors: a malformed email is an UnprocessableEntityException', async () => {
    const bad = await workos.userManagement.createUser({ email: 'nope' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(UnprocessableEntityException);
    expect(bad).toMatchObject({ code: 'invalid_request_parameters' });
  });
});

describe('userManagement organization memberships', () => {
  it('getOrganizationMembership: deserialized, with the organization name and role', async () => {
    const m = await workos.userManagement.getOrganizationMembership(ADA_ACME);
    expect(m).toMatchObject({
      object: 'organization_membership',
      id: ADA_ACME,
      userId: ADA,
      organizationId: ACME,
      organizationName: 'Acme',
      status: 'active',
      directoryManaged: false,
      role: { slug: 'admin' },
      customAttributes: {},
    });
  });

  it('listOrganizationMemberships: active only by default, statuses as the SDK joins them', async () => {
    const active = await workos.userManagement.listOrganizationMemberships({ organizationId: GLOBEX });
    expect(active.data).toEqual([]);
    const pending = await workos.userManagement.listOrganizationMemberships({ userId: BOB, statuses: ['active', 'pending'] });
    expect(pending.data.map((m) => [m.id, m.status])).toEqual([[BOB_GLOBEX, 'pending']]);
  });

  it('create, update, deactivate, reactivate, delete: and the user flags follow at once', async () => {
    const flags = async () => (await workos.featureFlags.listUserFeatureFlags({ userId: BOB })).data.map((f) => f.slug);
    expect(await flags()).toEqual([]);
    const m = await workos.userManagement.createOrganizationMembership({ organizationId: ACME, userId: BOB });
    expect(m).toMatchObject({ status: 'active', role: { slug: 'member' }, organizationName: 'Acme' });
    expect(await flags()).toEqual(['acme-beta']);

    expect((await workos.userManagement.updateOrganizationMembership(m.id, { roleSlug: 'admin' })).role).toEqual({ slug: 'admin' });
    expect((await workos.userManagement.deactivateOrganizationMembership(m.id)).status).toBe('inactive');
    expect(await flags()).toEqual([]);
    expect((await workos.userManagement.reactivateOrganizationMembership(m.id)).status).toBe('active');
    expect(await flags()).toEqual(['acme-beta']);
    await workos.userManagement.deleteOrganizationMembership(m.id);
    expect(await flags()).toEqual([]);
    await expect(workos.userManagement.getOrganizationMembership(m.id)).rejects.toBeInstanceOf(NotFoundException);
  });

  it('errors: unknown role, existing membership, pending membership', async () => {
    const role = await workos.userManagement
      .createOrganizationMembership({ organizationId: GLOBEX, userId: ADA, roleSlug: 'owner' })
      .catch((e: unknown) => e);
    expect(role).toBeInstanceOf(UnprocessableEntityException);
    expect(role).toMatchObject({ code: 'invalid_role', message: "Role 'owner' is not a valid role." });

    const twice = await workos.userManagement.createOrganizationMembership({ organizationId: ACME, userId: ADA }).catch((e: unknown) => e);
    expect(twice).toBeInstanceOf(GenericServerException);
    expect(twice).toMatchObject({ status: 400, code: 'organization_membership_already_exists' });

    const pending = await workos.userManagement.deactivateOrganizationMembership(BOB_GLOBEX).catch((e: unknown) => e);
    expect(pending).toMatchObject({ status: 400, code: 'cannot_deactivate_pending_organization_membership' });
  });
});

describe('authorization roles', () => {
  it('listOrganizationRoles: the environment roles in priority order', async () => {
    const roles = await workos.authorization.listOrganizationRoles(ACME);
    expect(roles.object).toBe('list');
    expect(roles.data.map((r) => [r.slug, r.name, r.type, r.resourceTypeSlug])).toEqual([
      ['admin', 'Admin', 'EnvironmentRole', 'organization'],
      ['member', 'Member', 'EnvironmentRole', 'organization'],
    ]);
    await expect(workos.authorization.listOrganizationRoles(pinnedId('organization', 9))).rejects.toBeInstanceOf(NotFoundException);
  });
});
