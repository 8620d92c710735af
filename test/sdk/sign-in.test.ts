import { WorkOS } from '@workos-inc/node';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDK (11.0.0) signs in over a real port, as an AuthKit app does: password, then
// refresh; the access token is verified with jose against the JWKS URL the SDK names, and its
// feature_flags claim is the REST user list for the session's organization.

const KEY = 'sk_test_sdk_sign_in';
const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const ADA = pinnedId('user', 1);
const COOKIE_PASSWORD = 'a cookie password of at least 32 characters';
const SEED: SeedEnvironment = {
  organizations: [
    { id: ACME, name: 'Acme' },
    { id: GLOBEX, name: 'Globex' },
  ],
  users: [{ id: ADA, email: 'ada@example.com', password: 'correct horse' }],
  organization_memberships: [{ user_id: ADA, organization_id: ACME, role_slug: 'admin' }],
  feature_flags: [
    { slug: 'acme-beta', enabled: true, targets: [ACME] },
    { slug: 'globex-beta', enabled: true, targets: [GLOBEX] },
    { slug: 'ada-only', enabled: true, targets: [ADA] },
  ],
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
afterEach(async () => {
  await server.close();
});

const restFlags = async (userId: string) => (await workos.featureFlags.listUserFeatureFlags({ userId })).data.map((f) => f.slug);

describe('AuthKit sign-in', () => {
  it('authenticateWithPassword: the access token verifies against the JWKS and carries the flags', async () => {
    const auth = await workos.userManagement.authenticateWithPassword({ clientId, email: 'ada@example.com', password: 'correct horse' });
    expect(auth.user).toMatchObject({ id: ADA, email: 'ada@example.com' });
    expect(auth.organizationId).toBe(ACME);
    expect(auth.authenticationMethod).toBe('Password');
    const jwks = createRemoteJWKSet(new URL(workos.userManagement.getJwksUrl(clientId)));
    const { payload } = await jwtVerify(auth.accessToken, jwks);
    expect(payload).toMatchObject({ sub: ADA, org_id: ACME, role: 'admin', roles: ['admin'] });
    expect(payload.feature_flags).toEqual(await restFlags(ADA));
    expect([...(payload.feature_flags as string[])].sort()).toEqual(['acme-beta', 'ada-only']);
    const sessions = await workos.userManagement.listSessions(ADA);
    expect(sessions.data.map((s) => [s.id, s.status, s.authMethod])).toEqual([[payload.sid, 'active', 'password']]);
    await workos.userManagement.revokeSession({ sessionId: payload.sid as string });
    expect((await workos.userManagement.listSessions(ADA)).data[0].status).toBe('revoked');
  });

  it('authenticateWithRefreshToken: a new access token for the same session, flags as they are now', async () => {
    const first = await workos.userManagement.authenticateWithPassword({ clientId, email: 'ada@example.com', password: 'correct horse' });
    // A membership change turns Globex's flag on for Ada: the next token says so.
    await workos.userManagement.createOrganizationMembership({ userId: ADA, organizationId: GLOBEX });
    const refreshed = await workos.userManagement.authenticateWithRefreshToken({ clientId, refreshToken: first.refreshToken, organizationId: GLOBEX });
    expect(refreshed.organizationId).toBe(GLOBEX);
    const jwks = createRemoteJWKSet(new URL(workos.userManagement.getJwksUrl(clientId)));
    const a = (await jwtVerify(first.accessToken, jwks)).payload;
    const b = (await jwtVerify(refreshed.accessToken, jwks)).payload;
    expect(b.sid).toBe(a.sid);
    expect(b).toMatchObject({ org_id: GLOBEX, role: 'member' });
    expect(b.feature_flags).toEqual(await restFlags(ADA));
    expect([...(b.feature_flags as string[])].sort()).toEqual(['acme-beta', 'ada-only', 'globex-beta']);
    await expect(workos.userManagement.authenticateWithRefreshToken({ clientId, refreshToken: first.refreshToken })).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('a sealed session read back by authenticateWithSessionCookie gives featureFlags (what authkit-nextjs withAuth reads)', async () => {
    const auth = await workos.userManagement.authenticateWithPassword({
      clientId,
      email: 'ada@example.com',
      password: 'correct horse',
      session: { sealSession: true, cookiePassword: COOKIE_PASSWORD },
    });
    const result = await workos.userManagement.authenticateWithSessionCookie({ sessionData: auth.sealedSession!, cookiePassword: COOKIE_PASSWORD });
    expect(result).toMatchObject({ authenticated: true, organizationId: ACME, role: 'admin' });
    expect((result as { featureFlags: string[] }).featureFlags).toEqual(await restFlags(ADA));
  });

  it('authenticateWithCode: a code minted through the admin API', async () => {
    const res = await fetch(`${server.url}/_flagstand/user_management/authorization_codes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: ADA, organization_id: ACME }),
    });
    const { code } = (await res.json()) as { code: string };
    const auth = await workos.userManagement.authenticateWithCode({ clientId, code });
    expect(auth).toMatchObject({ organizationId: ACME, user: { id: ADA } });
    await expect(workos.userManagement.authenticateWithPassword({ clientId, email: 'ada@example.com', password: 'wrong' })).rejects.toMatchObject({
      status: 400,
      code: 'invalid_credentials',
    });
  });
});
