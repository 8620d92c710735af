import { NotFoundException, UnprocessableEntityException, WorkOS } from '@workos-inc/node';
import { WorkOS as WorkOS12 } from 'workos-node-12';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDKs over a real port: authentication factors (11.0.0 multiFactorAuth), identities
// and sessions (userManagement), connected accounts and data providers (pipes), and the authorized
// applications, which only 12.3.0 has.

const KEY = 'sk_test_sdk_records';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const SESSION = pinnedId('session', 1);
const APP = pinnedId('connectApplication', 1);
const SEED: SeedEnvironment = {
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [{ id: ADA, email: 'ada@example.com' }],
  identities: [{ user_id: ADA, provider: 'GoogleOAuth', idp_id: 'g-1' }],
  sessions: [{ id: SESSION, user_id: ADA, organization_id: ACME, ip_address: '10.0.0.1', user_agent: 'vitest' }],
  authorized_applications: [{ user_id: ADA, application: { id: APP, client_id: 'client_cli', name: 'CLI', scopes: ['openid'] } }],
  data_providers: [{ slug: 'github', name: 'GitHub' }],
  connected_accounts: [{ user_id: ADA, provider: 'github', scopes: ['repo'] }],
};

let server: RunningFlagstand;
let workos: WorkOS;
let workos12: WorkOS12;
beforeEach(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', seed: SEED, apiKeys: [KEY] });
  const options = { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 0 };
  workos = new WorkOS(KEY, options);
  workos12 = new WorkOS12(KEY, options);
});
afterEach(async () => {
  await server.close();
});

describe('multiFactorAuth', () => {
  it('createUserAuthFactor, listUserAuthFactors, getFactor, deleteFactor', async () => {
    const { authenticationFactor: f, authenticationChallenge: c } = await workos.multiFactorAuth.createUserAuthFactor({
      userId: ADA,
      type: 'totp',
      totpIssuer: 'Acme',
    });
    expect(f).toMatchObject({ object: 'authentication_factor', type: 'totp', userId: ADA, totp: { issuer: 'Acme', user: 'ada@example.com' } });
    expect(f.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(f.totp.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(f.totp.uri).toContain(`secret=${f.totp.secret}`);
    expect(c.authenticationFactorId).toBe(f.id);
    const list = await workos.multiFactorAuth.listUserAuthFactors({ userId: ADA });
    expect(list.data.map((x) => x.id)).toEqual([f.id]);
    // The MFA deserializer of 11.0.0 reads no user_id.
    expect(await workos.multiFactorAuth.getFactor(f.id)).toMatchObject({ id: f.id, type: 'totp', totp: { issuer: 'Acme', user: 'ada@example.com' } });
    await workos.multiFactorAuth.deleteFactor(f.id);
    await expect(workos.multiFactorAuth.getFactor(f.id)).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.multiFactorAuth.createUserAuthFactor({ userId: pinnedId('user', 9), type: 'totp' })).rejects.toBeInstanceOf(
      UnprocessableEntityException,
    );
  });
});

describe('userManagement identities and sessions', () => {
  it('getUserIdentities and listSessions', async () => {
    expect(await workos.userManagement.getUserIdentities(ADA)).toEqual([{ idpId: 'g-1', type: 'OAuth', provider: 'GoogleOAuth' }]);
    const sessions = await workos.userManagement.listSessions(ADA);
    expect(sessions.data).toEqual([
      expect.objectContaining({ object: 'session', id: SESSION, userId: ADA, organizationId: ACME, ipAddress: '10.0.0.1', userAgent: 'vitest', authMethod: 'password', status: 'active', endedAt: null }),
    ]);
    await expect(workos.userManagement.listSessions(pinnedId('user', 9))).rejects.toBeInstanceOf(NotFoundException);
  });
});

describe('pipes', () => {
  it('getUserConnectedAccount, listUserDataProviders, deleteUserConnectedAccount', async () => {
    const account = await workos.pipes.getUserConnectedAccount({ userId: ADA, slug: 'github' });
    expect(account).toMatchObject({ object: 'connected_account', userId: ADA, organizationId: null, scopes: ['repo'], state: 'connected' });
    const providers = await workos.pipes.listUserDataProviders({ userId: ADA });
    expect(providers.data.map((p) => [p.slug, p.connectedAccount?.id])).toEqual([['github', account.id]]);
    await workos.pipes.deleteUserConnectedAccount({ userId: ADA, slug: 'github' });
    await expect(workos.pipes.getUserConnectedAccount({ userId: ADA, slug: 'github' })).rejects.toBeInstanceOf(NotFoundException);
    expect((await workos.pipes.listUserDataProviders({ userId: ADA })).data[0].connectedAccount).toBeNull();
  });
});

describe('authorized applications (SDK 12.3.0)', () => {
  it('listAuthorizedApplications and deleteAuthorizedApplication', async () => {
    const list = await workos12.userManagement.listAuthorizedApplications(ADA);
    expect(list.data).toHaveLength(1);
    expect(list.data[0]).toMatchObject({ object: 'authorized_connect_application', grantedScopes: ['openid'], application: { id: APP, clientId: 'client_cli', name: 'CLI' } });
    await workos12.userManagement.deleteAuthorizedApplication(ADA, APP);
    expect((await workos12.userManagement.listAuthorizedApplications(ADA)).data).toEqual([]);
    await expect(workos12.userManagement.deleteAuthorizedApplication(ADA, APP)).rejects.toMatchObject({ status: 404 });
  });
});
