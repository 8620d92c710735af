import { X509Certificate } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectSpec } from '../helpers/spec.js';

// Sign-in: POST /user_management/authenticate (password, refresh_token, authorization_code) and
// the RS256 access token, verified against GET /sso/jwks/{clientId}.
let t: TestApp;
afterEach(() => t?.app.close());

const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const NOW = '2026-03-01T09:00:00.000Z';
const OP = 'UserlandSessionsController_authenticate';
type Answer = { user: { id: string; last_sign_in_at: string | null }; organization_id?: string; access_token: string; refresh_token: string; authentication_method?: string };

async function setup() {
  t = await buildTestApp({
    clock: NOW,
    seed: {
      organizations: [
        { id: ACME, name: 'Acme' },
        { id: GLOBEX, name: 'Globex' },
      ],
      roles: [{ slug: 'editor', permissions: ['posts:write', 'posts:read'] }],
      users: [
        { id: ADA, email: 'ada@example.com', password: 'correct horse' },
        { id: BOB, email: 'bob@example.com' },
      ],
      organization_memberships: [
        { user_id: ADA, organization_id: ACME, role_slug: 'editor', created_at: '2026-01-01T00:00:00Z' },
        { user_id: ADA, organization_id: GLOBEX, created_at: '2026-01-02T00:00:00Z' },
      ],
      feature_flags: [
        { slug: 'acme-beta', enabled: true, targets: [ACME] },
        { slug: 'ada-only', enabled: true, targets: [ADA] },
        { slug: 'off', enabled: false, targets: [ADA] },
        { slug: 'everyone', enabled: true, default_value: true },
      ],
    },
  });
}

async function clientId(): Promise<string> {
  const res = await t.app.inject({ method: 'GET', url: '/_flagstand/environments/current', headers: t.headers });
  return (JSON.parse(res.body) as { client_id: string }).client_id;
}
async function authenticate(payload: object) {
  return t.app.inject({ method: 'POST', url: '/user_management/authenticate', headers: t.headers, payload: { client_id: await clientId(), client_secret: t.key, ...payload } });
}
async function verify(token: string) {
  const res = await t.app.inject({ method: 'GET', url: `/sso/jwks/${await clientId()}` });
  const jwks = expectSpec(res, 'SsoController_jsonWebKeySet', 200) as Parameters<typeof createLocalJWKSet>[0];
  return (await jwtVerify(token, createLocalJWKSet(jwks), { currentDate: new Date(Date.parse(NOW) + 1000) })).payload;
}
async function userFlags(userId: string): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/user_management/users/${userId}/feature-flags?limit=100`, headers: t.headers });
  return (JSON.parse(res.body) as { data: { slug: string }[] }).data.map((f) => f.slug);
}

describe('password', () => {
  it('answers the user, the organization, an RS256 access token and a refresh token', async () => {
    await setup();
    const answer = expectSpec(await authenticate({ grant_type: 'password', email: 'Ada@Example.com', password: 'correct horse', ip_address: '10.1.1.1', user_agent: 'vitest' }), OP, 200) as Answer;
    expect(answer).toMatchObject({ user: { id: ADA, last_sign_in_at: NOW }, organization_id: ACME, authentication_method: 'Password' });
    expect(decodeProtectedHeader(answer.access_token)).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const claims = await verify(answer.access_token);
    const sessions = JSON.parse((await t.app.inject({ method: 'GET', url: `/user_management/users/${ADA}/sessions`, headers: t.headers })).body) as {
      data: { id: string; organization_id: string; auth_method: string; ip_address: string; user_agent: string; status: string }[];
    };
    expect(sessions.data).toHaveLength(1);
    expect(sessions.data[0]).toMatchObject({ organization_id: ACME, auth_method: 'password', ip_address: '10.1.1.1', user_agent: 'vitest', status: 'active' });
    expect(claims).toMatchObject({
      iss: `http://localhost:80/user_management/${await clientId()}`,
      sub: ADA,
      sid: sessions.data[0].id,
      org_id: ACME,
      role: 'editor',
      roles: ['editor'],
      permissions: ['posts:write', 'posts:read'],
      entitlements: [],
      iat: Date.parse(NOW) / 1000,
      exp: Date.parse(NOW) / 1000 + 300,
    });
    expect(typeof claims.jti).toBe('string');
    // The claim is the REST user list, in its order.
    expect(claims.feature_flags).toEqual(await userFlags(ADA));
    expect([...(claims.feature_flags as string[])].sort()).toEqual(['acme-beta', 'ada-only', 'everyone']);
  });

  it.each([
    [{ email: 'ada@example.com', password: 'wrong' }],
    [{ email: 'nobody@example.com', password: 'correct horse' }],
    [{ email: 'bob@example.com', password: 'anything' }],
  ])('answers 400 invalid_credentials for %j', async (payload) => {
    await setup();
    expect(expectSpec(await authenticate({ grant_type: 'password', ...payload }), OP, 400)).toEqual({ code: 'invalid_credentials', message: 'Invalid credentials.' });
  });

  it('signs in a user created over the API with a password (only its hash is kept)', async () => {
    await setup();
    await t.app.inject({ method: 'POST', url: '/user_management/users', headers: t.headers, payload: { email: 'new@example.com', password: 's3cret!' } });
    const answer = expectSpec(await authenticate({ grant_type: 'password', email: 'new@example.com', password: 's3cret!' }), OP, 200) as Answer;
    expect('organization_id' in answer).toBe(false);
    const claims = await verify(answer.access_token);
    expect(claims.org_id).toBeUndefined();
    expect(claims.feature_flags).toEqual(['everyone']);
    const stored = JSON.stringify(t.flagstand.db.prepare('SELECT * FROM user_passwords').all());
    expect(stored).not.toContain('s3cret!');
    expect(stored).toContain('scrypt$');
  });

  it('answers 422 without email or password, and 400 invalid_client for another client id or secret', async () => {
    await setup();
    expect(expectSpec(await authenticate({ grant_type: 'password', email: 'ada@example.com' }), OP, 422)).toMatchObject({ code: 'invalid_request_parameters' });
    expectSpec(await authenticate({ grant_type: 'nope' }), OP, 422);
    expect(expectSpec(await authenticate({ grant_type: 'password', email: 'a@b.c', password: 'x', client_id: 'client_nope' }), OP, 400)).toEqual({
      error: 'invalid_client',
      error_description: 'Invalid client ID.',
    });
    expect(expectSpec(await authenticate({ grant_type: 'password', email: 'a@b.c', password: 'x', client_secret: 'sk_other' }), OP, 400)).toMatchObject({ error: 'invalid_client' });
  });
});

describe('refresh_token', () => {
  it('rotates the token, keeps the session, and switches organization on request', async () => {
    await setup();
    const first = (await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' }).then((r) => JSON.parse(r.body))) as Answer;
    t.clock.set('2026-03-01T09:01:00.000Z');
    const second = expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token, organization_id: GLOBEX }), OP, 200) as Answer;
    expect(second.organization_id).toBe(GLOBEX);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    const a = await verify(first.access_token);
    const res = await t.app.inject({ method: 'GET', url: `/sso/jwks/${await clientId()}` });
    const b = (await jwtVerify(second.access_token, createLocalJWKSet(JSON.parse(res.body)), { currentDate: new Date('2026-03-01T09:01:01Z') })).payload;
    expect(b).toMatchObject({ sid: a.sid, org_id: GLOBEX, role: 'member' });
    // The old token is spent; the new one works.
    expect(expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token }), OP, 400)).toMatchObject({ error: 'invalid_grant' });
    expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: second.refresh_token }), OP, 200);
  });

  it('refuses an organization the user is not active in, and an unknown token', async () => {
    await setup();
    const first = JSON.parse((await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' })).body) as Answer;
    expect(expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token, organization_id: pinnedId('organization', 9) }), OP, 400)).toMatchObject({
      code: 'invalid_organization_id',
    });
    expect(expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: 'nope' }), OP, 400)).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('authorization_code', () => {
  const mint = (payload: object) => t.app.inject({ method: 'POST', url: '/_flagstand/user_management/authorization_codes', headers: t.headers, payload });

  it('signs in with a code minted for a user and organization, once', async () => {
    await setup();
    const res = await mint({ user_id: ADA, organization_id: GLOBEX, authentication_method: 'GoogleOAuth' });
    expect(res.statusCode, res.body).toBe(201);
    const { code, expires_at } = JSON.parse(res.body) as { code: string; expires_at: string };
    expect(expires_at).toBe('2026-03-01T09:10:00.000Z');
    const answer = expectSpec(await authenticate({ grant_type: 'authorization_code', code }), OP, 200) as Answer;
    expect(answer).toMatchObject({ organization_id: GLOBEX, authentication_method: 'GoogleOAuth' });
    expect(await verify(answer.access_token)).toMatchObject({ org_id: GLOBEX, role: 'member', feature_flags: await userFlags(ADA) });
    expect(expectSpec(await authenticate({ grant_type: 'authorization_code', code }), OP, 400)).toMatchObject({ error: 'invalid_grant' });
  });

  it('a code expires after ten minutes on the environment clock', async () => {
    await setup();
    const { code } = JSON.parse((await mint({ user_id: BOB })).body) as { code: string };
    t.clock.set('2026-03-01T09:10:00.000Z');
    expect(expectSpec(await authenticate({ grant_type: 'authorization_code', code }), OP, 400)).toMatchObject({ error: 'invalid_grant' });
  });

  it('minting refuses an unknown user (404) and an organization without an active membership (422)', async () => {
    await setup();
    expect((await mint({ user_id: pinnedId('user', 9) })).statusCode).toBe(404);
    expect((await mint({ user_id: BOB, organization_id: ACME })).statusCode).toBe(422);
  });

  it('grants that need tokens flagstand never issues answer the spec’s 400s', async () => {
    await setup();
    expect(expectSpec(await authenticate({ grant_type: 'urn:workos:oauth:grant-type:magic-auth:code', code: '123456', email: 'ada@example.com' }), OP, 400)).toMatchObject({
      code: 'invalid_one_time_code',
    });
    expect(expectSpec(await authenticate({ grant_type: 'urn:workos:oauth:grant-type:mfa-totp', code: '1', pending_authentication_token: 'x', authentication_challenge_id: 'y' }), OP, 400)).toMatchObject({
      code: 'invalid_pending_authentication_token',
    });
  });
});

describe('GET /sso/jwks/{clientId}', () => {
  it('is public and answers one RS256 key with its self-signed certificate and thumbprint, stable across calls', async () => {
    await setup();
    const url = `/sso/jwks/${await clientId()}`;
    const jwks = expectSpec(await t.app.inject({ method: 'GET', url }), 'SsoController_jsonWebKeySet', 200) as {
      keys: { kid: string; n: string; x5c: string[]; 'x5t#S256': string }[];
    };
    expect(jwks.keys).toHaveLength(1);
    const cert = new X509Certificate(Buffer.from(jwks.keys[0].x5c[0], 'base64'));
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.export({ format: 'jwk' })).toMatchObject({ n: jwks.keys[0].n });
    expect(cert.fingerprint256.replace(/:/g, '').toLowerCase()).toBe(Buffer.from(jwks.keys[0]['x5t#S256'], 'base64url').toString('hex'));
    expect(JSON.parse((await t.app.inject({ method: 'GET', url })).body)).toEqual(jwks);
    // A reset keeps the key: clients cache the JWKS.
    await t.app.inject({ method: 'POST', url: '/_flagstand/environments/current/reset', headers: t.headers });
    expect(JSON.parse((await t.app.inject({ method: 'GET', url })).body)).toEqual(jwks);
  });

  it('answers 404 for a client id of no environment', async () => {
    await setup();
    expectSpec(await t.app.inject({ method: 'GET', url: '/sso/jwks/client_01HX0000000000000000000000' }), 'SsoController_jsonWebKeySet', 404);
    expectSpec(await t.app.inject({ method: 'GET', url: '/sso/jwks/nope' }), 'SsoController_jsonWebKeySet', 404);
  });
});

describe('POST /user_management/sessions/revoke', () => {
  const revoke = (payload: object) => t.app.inject({ method: 'POST', url: '/user_management/sessions/revoke', headers: t.headers, payload });

  it('ends the session (200, no body): listed as revoked, its refresh token refused; again is a no-op', async () => {
    await setup();
    const answer = JSON.parse((await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' })).body) as Answer;
    const { sid } = await verify(answer.access_token);
    t.clock.set('2026-03-01T09:30:00.000Z');
    expectSpec(await revoke({ session_id: sid as string }), 'UserlandSessionsController_revokeSession', 200);
    const sessions = JSON.parse((await t.app.inject({ method: 'GET', url: `/user_management/users/${ADA}/sessions`, headers: t.headers })).body) as {
      data: { status: string; ended_at: string }[];
    };
    expect(sessions.data[0]).toMatchObject({ status: 'revoked', ended_at: '2026-03-01T09:30:00.000Z' });
    expect(expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: answer.refresh_token }), OP, 400)).toMatchObject({ error: 'invalid_grant' });
    expectSpec(await revoke({ session_id: sid as string }), 'UserlandSessionsController_revokeSession', 200);
  });

  it('answers 400 for an unknown session or a missing session_id', async () => {
    await setup();
    expectSpec(await revoke({ session_id: pinnedId('session', 9) }), 'UserlandSessionsController_revokeSession', 400);
    expectSpec(await revoke({}), 'UserlandSessionsController_revokeSession', 400);
  });
});

describe('role, roles and permissions claims from the authorization model', () => {
  const api = async (method: string, url: string, payload?: object) => {
    const res = await t.app.inject({ method: method as 'GET', url, headers: t.headers, ...(payload && { payload }) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return (res.body ? JSON.parse(res.body) : undefined) as Record<string, any>;
  };
  /** What the REST API shows for the membership: its roles on the organization and their permissions. */
  async function restAccess(membershipId: string, organizationId: string) {
    const orgResource = `authz_resource_${organizationId.slice('org_'.length)}`;
    const assignments = (await api('GET', `/authorization/organization_memberships/${membershipId}/role_assignments?limit=100&order=asc`)).data as {
      role: { slug: string };
      resource: { id: string };
    }[];
    const roles = [...new Set(assignments.filter((a) => a.resource.id === orgResource).map((a) => a.role.slug))];
    const permissions = new Set<string>();
    for (const slug of roles) for (const p of (await api('GET', `/authorization/organizations/${organizationId}/roles/${slug}`)).permissions) permissions.add(p);
    return { roles, permissions: [...permissions] };
  }

  it('carries every role the membership holds on its organization and the union of their permissions, fresh after a refresh', async () => {
    await setup();
    for (const slug of ['posts:publish', 'billing:view', 'billing:edit']) await api('POST', '/authorization/permissions', { slug, name: slug });
    // An environment role (editor, seeded) and a custom role of Acme, both held by Ada's membership.
    const custom = await api('POST', `/authorization/organizations/${ACME}/roles`, { name: 'Billing', slug: 'org-billing' });
    await api('PUT', `/authorization/organizations/${ACME}/roles/${custom.slug}/permissions`, { permissions: ['billing:view', 'posts:read'] });
    const membership = (await api('GET', `/user_management/organization_memberships?user_id=${ADA}&organization_id=${ACME}`)).data[0];
    await api('POST', `/authorization/organization_memberships/${membership.id}/role_assignments`, { role_slug: custom.slug, resource_id: `authz_resource_${ACME.slice(4)}` });

    const first = JSON.parse((await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' })).body) as Answer;
    const claims = await verify(first.access_token);
    const rest = await restAccess(membership.id, ACME);
    expect(rest.roles).toEqual(['editor', 'org-billing']);
    expect(claims.role).toBe('editor');
    expect(claims.roles).toEqual(rest.roles);
    expect([...(claims.permissions as string[])].sort()).toEqual([...rest.permissions].sort());
    expect([...(claims.permissions as string[])].sort()).toEqual(['billing:view', 'posts:read', 'posts:write']);

    // A role's permissions change: the next token (after a refresh) carries the new set.
    await api('POST', `/authorization/organizations/${ACME}/roles/${custom.slug}/permissions`, { slug: 'billing:edit' });
    await api('POST', '/authorization/roles/editor/permissions', { slug: 'posts:publish' });
    const second = expectSpec(await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token }), OP, 200) as Answer;
    const refreshed = await verify(second.access_token);
    const after = await restAccess(membership.id, ACME);
    expect(refreshed.roles).toEqual(after.roles);
    expect([...(refreshed.permissions as string[])].sort()).toEqual([...after.permissions].sort());
    expect([...(refreshed.permissions as string[])].sort()).toEqual(['billing:edit', 'billing:view', 'posts:publish', 'posts:read', 'posts:write']);

    // A permission leaves a role: gone from the next token (the other role keeps posts:read).
    await api('DELETE', `/authorization/organizations/${ACME}/roles/${custom.slug}/permissions/billing:view`);
    const third = JSON.parse((await authenticate({ grant_type: 'refresh_token', refresh_token: second.refresh_token })).body) as Answer;
    expect([...((await verify(third.access_token)).permissions as string[])].sort()).toEqual(['billing:edit', 'posts:publish', 'posts:read', 'posts:write']);
  });

  it('a membership with only its own role carries that role and its permissions; roles held below the organization are not token roles', async () => {
    await setup();
    // Ada leads a project of Globex: a role on a resource below the organization.
    await api('POST', '/authorization/permissions', { slug: 'project:edit', name: 'Edit', resource_type_slug: 'project' });
    await api('POST', '/authorization/roles', { slug: 'project-lead', name: 'Lead', resource_type_slug: 'project' });
    await api('PUT', '/authorization/roles/project-lead/permissions', { permissions: ['project:edit'] });
    const project = await api('POST', '/authorization/resources', { external_id: 'p1', name: 'P1', resource_type_slug: 'project', organization_id: GLOBEX });
    const membership = (await api('GET', `/user_management/organization_memberships?user_id=${ADA}&organization_id=${GLOBEX}`)).data[0];
    await api('POST', `/authorization/organization_memberships/${membership.id}/role_assignments`, { role_slug: 'project-lead', resource_id: project.id });
    expect((await restAccess(membership.id, GLOBEX)).roles).toEqual(['member']);
    const first = JSON.parse((await authenticate({ grant_type: 'password', email: 'ada@example.com', password: 'correct horse' })).body) as Answer;
    const second = JSON.parse((await authenticate({ grant_type: 'refresh_token', refresh_token: first.refresh_token, organization_id: GLOBEX })).body) as Answer;
    expect(await verify(second.access_token)).toMatchObject({ org_id: GLOBEX, role: 'member', roles: ['member'], permissions: [] });
  });
});
