import { GenericServerException, NotFoundException, UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDK (11.0.0) over a real port: every invitation method and the email verification
// methods, with the typed exceptions the error statuses become.

const KEY = 'sk_test_sdk_invitations';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [{ id: ADA, email: 'ada@example.com' }],
  feature_flags: [{ slug: 'acme-beta', enabled: true, targets: [ACME] }],
};

let server: RunningFlagstand;
let workos: WorkOS;
beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 });
});
afterEach(async () => {
  await server.close();
});

describe('userManagement invitations', () => {
  it('sendInvitation, getInvitation, findInvitationByToken, listInvitations: deserialized with every field', async () => {
    const sent = await workos.userManagement.sendInvitation({ email: 'grace@example.com', organizationId: ACME, roleSlug: 'admin', expiresInDays: 3, inviterUserId: ADA });
    expect(sent).toMatchObject({
      object: 'invitation',
      email: 'grace@example.com',
      state: 'pending',
      acceptedAt: null,
      revokedAt: null,
      organizationId: ACME,
      inviterUserId: ADA,
      acceptedUserId: null,
      roleSlug: 'admin',
    });
    expect(Date.parse(sent.expiresAt) - Date.parse(sent.createdAt)).toBe(3 * 86_400_000);
    expect(sent.acceptInvitationUrl).toBe(`http://127.0.0.1:${server.port}/invite?invitation_token=${sent.token}`);
    expect(await workos.userManagement.getInvitation(sent.id)).toEqual(sent);
    expect(await workos.userManagement.findInvitationByToken(sent.token)).toEqual(sent);
    const list = await workos.userManagement.listInvitations({ organizationId: ACME });
    expect(list.data.map((i) => i.id)).toEqual([sent.id]);
    expect((await workos.userManagement.listInvitations({ email: 'nobody@example.com' })).data).toEqual([]);
  });

  it('acceptInvitation creates the membership, so the organization’s flags are the user’s at once', async () => {
    const sent = await workos.userManagement.sendInvitation({ email: 'grace@example.com', organizationId: ACME });
    const accepted = await workos.userManagement.acceptInvitation(sent.id);
    expect(accepted.state).toBe('accepted');
    const userId = accepted.acceptedUserId!;
    const memberships = await workos.userManagement.listOrganizationMemberships({ userId });
    expect(memberships.data.map((m) => [m.organizationId, m.status])).toEqual([[ACME, 'active']]);
    const flags = await workos.featureFlags.listUserFeatureFlags({ userId });
    expect(flags.data.map((f) => f.slug)).toEqual(['acme-beta']);
  });

  it('resendInvitation and revokeInvitation; errors become the typed exceptions', async () => {
    const sent = await workos.userManagement.sendInvitation({ email: 'grace@example.com' });
    expect((await workos.userManagement.resendInvitation(sent.id)).state).toBe('pending');
    expect((await workos.userManagement.resendInvitation(sent.id, { locale: 'fr' })).token).toBe(sent.token);
    const revoked = await workos.userManagement.revokeInvitation(sent.id);
    expect(revoked.state).toBe('revoked');
    expect(revoked.revokedAt).not.toBeNull();
    // A 400 of { code, message } (no `errors`) is what workos-node turns into a GenericServerException.
    const notPending = await workos.userManagement.acceptInvitation(sent.id).catch((e: unknown) => e);
    expect(notPending).toBeInstanceOf(GenericServerException);
    expect(notPending).toMatchObject({ status: 400, code: 'invite_not_pending' });
    await expect(workos.userManagement.resendInvitation(sent.id)).rejects.toMatchObject({ status: 400, code: 'invite_revoked' });
    await expect(workos.userManagement.getInvitation(pinnedId('invitation', 9))).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.userManagement.sendInvitation({ email: 'not an email' })).rejects.toBeInstanceOf(UnprocessableEntityException);
    await expect(workos.userManagement.sendInvitation({ email: 'ada@example.com' })).rejects.toMatchObject({ code: 'user_already_exists' });
  });
});

describe('userManagement email verification', () => {
  it('sendVerificationEmail, getEmailVerification (id from the admin API), verifyEmail', async () => {
    const { user } = await workos.userManagement.sendVerificationEmail({ userId: ADA });
    expect(user).toMatchObject({ id: ADA, emailVerified: false });
    const res = await fetch(`${server.url}/_flagstand/user_management/users/${ADA}/email_verification`, { headers: { authorization: `Bearer ${KEY}` } });
    const { id, code } = (await res.json()) as { id: string; code: string };
    const verification = await workos.userManagement.getEmailVerification(id);
    expect(verification).toMatchObject({ object: 'email_verification', id, userId: ADA, email: 'ada@example.com', code });
    const verified = await workos.userManagement.verifyEmail({ userId: ADA, code });
    expect(verified.user.emailVerified).toBe(true);
    await expect(workos.userManagement.verifyEmail({ userId: ADA, code })).rejects.toMatchObject({ status: 400, code: 'email_previously_verified' });
    await expect(workos.userManagement.sendVerificationEmail({ userId: pinnedId('user', 9) })).rejects.toBeInstanceOf(NotFoundException);
  });
});
