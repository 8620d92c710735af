import { WorkOS } from 'workos-node-12';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// SDK 12's events.listEvents over a real port, on the user-management and authorization events:
// its deserializers (invitation, session, authentication, email verification, membership, role,
// organization role, permission) read each field back, so a field missing or misnamed on the
// wire shows up here as undefined or an Invalid Date.

const KEY = 'sk_test_identity_events12';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [
    { id: ADA, email: 'ada@example.com', password: 'correct horse' },
    { id: BOB, email: 'bob@example.com' },
  ],
  organization_memberships: [{ user_id: ADA, organization_id: ACME }],
};

let server: RunningFlagstand;
let workos: WorkOS;
let clientId: string;
beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  const env = (await (await fetch(`${server.url}/_flagstand/environments/current`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { client_id: string };
  clientId = env.client_id;
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0, clientId });
});
afterEach(async () => server.close());

/** The events of these types, oldest first, as SDK 12 deserializes them (it sends no `order`: newest first). */
async function listed(...events: string[]) {
  const page = await workos.events.listEvents({ events, limit: 100 } as never);
  return (page.data as any[]).reverse();
}
const date = expect.any(Date);

describe('SDK 12 events.listEvents on user-management events', () => {
  it('reads invitation, membership, authentication, session and email verification events back, field by field', async () => {
    const sent = await workos.userManagement.sendInvitation({ email: 'grace@example.com', organizationId: ACME, inviterUserId: ADA });
    await workos.userManagement.acceptInvitation(sent.id);
    const auth = await workos.userManagement.authenticateWithPassword({ clientId, email: 'ada@example.com', password: 'correct horse', ipAddress: '10.0.0.9', userAgent: 'sdk-12' });
    await expect(workos.userManagement.authenticateWithPassword({ clientId, email: 'ada@example.com', password: 'wrong' })).rejects.toMatchObject({ status: 400 });
    const [session] = (await workos.userManagement.listSessions(ADA)).data;
    await workos.userManagement.revokeSession({ sessionId: session.id });
    await workos.userManagement.sendVerificationEmail({ userId: BOB });

    const events = await listed(
      'invitation.created', 'invitation.accepted', 'user.created', 'organization_membership.created',
      'authentication.password_succeeded', 'authentication.password_failed', 'session.created', 'session.revoked', 'email_verification.created',
    );
    expect(events.map((e) => e.event)).toEqual([
      'invitation.created', 'user.created', 'organization_membership.created', 'invitation.accepted',
      'authentication.password_succeeded', 'session.created', 'authentication.password_failed', 'session.revoked', 'email_verification.created',
    ]);
    const [created, user, membership, accepted, succeeded, started, failed, revoked, verification] = events;
    const invitationData = {
      object: 'invitation', id: sent.id, email: 'grace@example.com', revokedAt: null, expiresAt: date,
      organizationId: ACME, inviterUserId: ADA, roleSlug: 'member', createdAt: date, updatedAt: date,
    };
    expect(created).toMatchObject({ id: expect.stringMatching(/^event_/), createdAt: date, data: { ...invitationData, state: 'pending', acceptedAt: null, acceptedUserId: null } });
    expect(accepted.data).toMatchObject({ ...invitationData, state: 'accepted', acceptedAt: date, acceptedUserId: user.data.id });
    expect(user.data).toMatchObject({ object: 'user', email: 'grace@example.com', emailVerified: true });
    expect(membership.data).toMatchObject({ object: 'organization_membership', userId: user.data.id, organizationId: ACME, status: 'active', role: { slug: 'member' }, createdAt: date });
    expect(succeeded.data).toEqual({ type: 'password', status: 'succeeded', ipAddress: '10.0.0.9', userAgent: 'sdk-12', userId: ADA, email: 'ada@example.com' });
    expect(failed.data).toEqual({
      type: 'password', status: 'failed', ipAddress: null, userAgent: null, userId: ADA, email: 'ada@example.com',
      error: { code: 'invalid_credentials', message: 'Invalid credentials.' },
    });
    expect(started.data).toEqual({
      object: 'session', id: session.id, userId: ADA, ipAddress: '10.0.0.9', userAgent: 'sdk-12', organizationId: auth.organizationId,
      authMethod: 'password', status: 'active', expiresAt: date, endedAt: null, createdAt: date, updatedAt: date,
    });
    expect(revoked.data).toMatchObject({ id: session.id, status: 'revoked', endedAt: date });
    const latest = (await (await fetch(`${server.url}/_flagstand/user_management/users/${BOB}/email_verification`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as { id: string };
    expect(verification.data).toEqual({ object: 'email_verification', id: latest.id, userId: BOB, email: 'bob@example.com', expiresAt: date, createdAt: date, updatedAt: date });
    for (const e of events) for (const value of Object.values(e.data)) if (value instanceof Date) expect(Number.isNaN(value.getTime())).toBe(false);
  });
});

describe('SDK 12 events.listEvents on authorization events', () => {
  it('reads role, organization_role and permission events back, field by field', async () => {
    await workos.authorization.createPermission({ slug: 'posts:read', name: 'Read posts', description: 'Read them' });
    await workos.authorization.createEnvironmentRole({ slug: 'editor', name: 'Editor' });
    await workos.authorization.addEnvironmentRolePermission('editor', { permissionSlug: 'posts:read' });
    await workos.authorization.createOrganizationRole(ACME, { slug: 'org-billing', name: 'Billing' });

    const [permission, role, updated, orgRole] = await listed('permission.created', 'role.created', 'role.updated', 'organization_role.created');
    expect(permission).toMatchObject({
      event: 'permission.created',
      data: { object: 'permission', id: expect.stringMatching(/^perm_/), slug: 'posts:read', name: 'Read posts', description: 'Read them', resourceTypeSlug: 'organization', system: false, createdAt: date, updatedAt: date },
    });
    expect(role.data).toEqual({ object: 'role', slug: 'editor', resourceTypeSlug: 'organization', permissions: [], createdAt: date, updatedAt: date });
    expect(updated).toMatchObject({ event: 'role.updated', data: { slug: 'editor', permissions: ['posts:read'] } });
    expect(orgRole.data).toEqual({
      object: 'organization_role', organizationId: ACME, slug: 'org-billing', name: 'Billing', description: null,
      resourceTypeSlug: 'organization', permissions: [], createdAt: date, updatedAt: date,
    });
  });
});
