import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../src/ids.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';
import { pinnedId } from '../helpers/ids.js';

// Authentication factors, identities, sessions, authorized applications, connected accounts and
// data providers of a user: over the API where the spec lets a client create them, seeded otherwise.
let t: TestApp;
afterEach(() => t?.app.close());

const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const NOW = '2026-03-01T09:00:00.000Z';
type List<T> = { data: T[]; list_metadata: { before: string | null; after: string | null } };

async function setup(extra: object = {}) {
  t = await buildTestApp({
    clock: NOW,
    seed: {
      organizations: [{ id: ACME, name: 'Acme' }],
      users: [
        { id: ADA, email: 'ada@example.com' },
        { id: BOB, email: 'bob@example.com' },
      ],
      ...extra,
    },
  });
}
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: t.headers, ...(payload && { payload }) });

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret, to show the secret is a real one. */
function totp(secret: string, at: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

describe('authentication factors', () => {
  const FACTORS = `/user_management/users/${ADA}/auth_factors`;
  type Enrolled = {
    authentication_factor: { id: string; user_id: string; totp: { issuer: string; user: string; secret: string; qr_code: string; uri: string } };
    authentication_challenge: { id: string; authentication_factor_id: string };
  };

  it('enroll answers 201 with a real base32 secret, its otpauth URI and a PNG QR data URI, and a challenge', async () => {
    await setup();
    const res = await req('POST', FACTORS, { type: 'totp', totp_issuer: 'Acme App' });
    const body = expectSpec(res, 'UserlandUserAuthenticationFactorsController_create', 201) as Enrolled;
    const f = body.authentication_factor;
    expect(f).toMatchObject({ object: 'authentication_factor', type: 'totp', user_id: ADA, created_at: NOW, updated_at: NOW });
    expect(f.id).toMatch(/^auth_factor_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(f.totp).toMatchObject({ issuer: 'Acme App', user: 'ada@example.com' });
    expect(f.totp.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(f.totp.uri).toBe(`otpauth://totp/Acme%20App:ada%40example.com?secret=${f.totp.secret}&issuer=Acme+App&algorithm=SHA1&digits=6&period=30`);
    expect(f.totp.qr_code).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(f.totp.qr_code.split(',')[1], 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(body.authentication_challenge).toMatchObject({ object: 'authentication_challenge', authentication_factor_id: f.id });
  });

  it('keeps a given secret (any case, padded) and computes the same codes as any authenticator', async () => {
    await setup();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const res = await req('POST', FACTORS, { type: 'totp', totp_secret: secret.toLowerCase() + '==', totp_user: 'ada' });
    const f = (expectSpec(res, 'UserlandUserAuthenticationFactorsController_create', 201) as Enrolled).authentication_factor;
    expect(f.totp.secret).toBe(secret);
    expect(f.totp.user).toBe('ada');
    // RFC 6238 over this secret at a fixed time: the check that the secret is usable as given.
    expect(totp(f.totp.secret, 59_000)).toBe(totp(secret, 59_000));
  });

  it('lists a user’s factors without secrets; get and delete them by id', async () => {
    await setup();
    const a = (JSON.parse((await req('POST', FACTORS, { type: 'totp' })).body) as Enrolled).authentication_factor;
    const b = (JSON.parse((await req('POST', FACTORS, { type: 'totp' })).body) as Enrolled).authentication_factor;
    const list = expectSpec(await req('GET', FACTORS), 'UserlandUserAuthenticationFactorsController_list', 200) as List<{ id: string; totp: object }>;
    expect(list.data.map((f) => f.id)).toEqual([b.id, a.id]);
    expect(list.data[0].totp).toEqual({ issuer: 'flagstand', user: 'ada@example.com' });
    const got = expectSpec(await req('GET', `/auth/factors/${a.id}`), 'AuthenticationFactorsController_get', 200);
    expect(got).toEqual(list.data[1]);
    expectSpec(await req('DELETE', `/auth/factors/${a.id}`), 'AuthenticationFactorsController_delete', 204);
    expectSpec(await req('GET', `/auth/factors/${a.id}`), 'AuthenticationFactorsController_get', 404);
    expectSpec(await req('DELETE', `/auth/factors/${a.id}`), 'AuthenticationFactorsController_delete', 404);
    const page = expectSpec(await req('GET', `${FACTORS}?limit=1&order=asc`), 'UserlandUserAuthenticationFactorsController_list', 200) as List<unknown>;
    expect(page.list_metadata).toEqual({ before: null, after: null });
  });

  it.each([
    [{ type: 'sms' }],
    [{}],
    [{ type: 'totp', totp_secret: 'not base32!' }],
    [{ type: 'totp', totp_secret: 'ABCD' }],
  ])('enroll %j answers 422', async (payload) => {
    await setup();
    expectSpec(await req('POST', FACTORS, payload), 'UserlandUserAuthenticationFactorsController_create', 422);
  });

  it('an unknown user answers 422 (these routes have no 404), bad list parameters too', async () => {
    await setup();
    const user = newId('user');
    expectSpec(await req('POST', `/user_management/users/${user}/auth_factors`, { type: 'totp' }), 'UserlandUserAuthenticationFactorsController_create', 422);
    expectSpec(await req('GET', `/user_management/users/${user}/auth_factors`), 'UserlandUserAuthenticationFactorsController_list', 422);
    expectSpec(await req('GET', `${FACTORS}?limit=0`), 'UserlandUserAuthenticationFactorsController_list', 422);
  });

  it('seeded factors keep their pinned secret and go with their user', async () => {
    const id = pinnedId('authFactor', 1);
    await setup({ auth_factors: [{ id, user_id: ADA, totp_secret: 'JBSWY3DPEHPK3PXP' }] });
    expect(expectSpec(await req('GET', `/auth/factors/${id}`), 'AuthenticationFactorsController_get', 200)).toMatchObject({ user_id: ADA });
    await req('DELETE', `/user_management/users/${ADA}`);
    expectSpec(await req('GET', `/auth/factors/${id}`), 'AuthenticationFactorsController_get', 404);
  });
});

describe('identities', () => {
  it('answers the seeded OAuth identities in order, an empty array for none, 404 for an unknown user', async () => {
    await setup({
      identities: [
        { user_id: ADA, provider: 'GoogleOAuth', idp_id: '1234' },
        { user_id: ADA, provider: 'GithubOAuth', idp_id: 'ada-gh' },
      ],
    });
    const OP = 'UserlandUserIdentitiesController_get';
    expect(expectSpec(await req('GET', `/user_management/users/${ADA}/identities`), OP, 200)).toEqual([
      { idp_id: '1234', type: 'OAuth', provider: 'GoogleOAuth' },
      { idp_id: 'ada-gh', type: 'OAuth', provider: 'GithubOAuth' },
    ]);
    expect(expectSpec(await req('GET', `/user_management/users/${BOB}/identities`), OP, 200)).toEqual([]);
    expectSpec(await req('GET', `/user_management/users/${newId('user')}/identities`), OP, 404);
  });
});

describe('sessions', () => {
  const OP = 'UserlandUserSessionsController_list';
  it('lists a user’s sessions newest first; active past expires_at reads as expired; impersonation shows', async () => {
    const [s1, s2, s3] = [1, 2, 3].map((n) => pinnedId('session', n));
    await setup({
      sessions: [
        { id: s1, user_id: ADA, created_at: '2026-02-01T00:00:00Z', expires_at: '2026-02-02T00:00:00Z' },
        { id: s2, user_id: ADA, organization_id: ACME, status: 'revoked', created_at: '2026-02-03T00:00:00Z', ip_address: '10.0.0.1', user_agent: 'curl' },
        { id: s3, user_id: ADA, impersonator: { email: 'admin@example.com', reason: 'support' }, created_at: '2026-02-04T00:00:00Z' },
        { user_id: BOB },
      ],
    });
    const list = expectSpec(await req('GET', `/user_management/users/${ADA}/sessions`), OP, 200) as List<Record<string, unknown>>;
    expect(list.data.map((s) => [s.id, s.status, s.auth_method])).toEqual([
      [s3, 'active', 'impersonation'],
      [s2, 'revoked', 'password'],
      [s1, 'expired', 'password'],
    ]);
    expect(list.data[0]).toMatchObject({ impersonator: { email: 'admin@example.com', reason: 'support' }, expires_at: '2026-03-06T00:00:00.000Z' });
    expect(list.data[1]).toMatchObject({ organization_id: ACME, ip_address: '10.0.0.1', user_agent: 'curl', ended_at: '2026-02-03T00:00:00.000Z' });
    expect('organization_id' in list.data[0]).toBe(false);
    const page = expectSpec(await req('GET', `/user_management/users/${ADA}/sessions?limit=2`), OP, 200) as List<{ id: string }>;
    expect(page.list_metadata.after).toBe(s2);
  });

  it('answers 404 for an unknown user and 422 for bad parameters', async () => {
    await setup();
    expectSpec(await req('GET', `/user_management/users/${newId('user')}/sessions`), OP, 404);
    expectSpec(await req('GET', `/user_management/users/${ADA}/sessions?order=sideways`), OP, 422);
  });
});

describe('authorized applications', () => {
  const OP = { list: 'AuthorizedApplicationsController_list', delete: 'AuthorizedApplicationsController_delete' };
  const APP = pinnedId('connectApplication', 1);
  async function seeded() {
    await setup({
      authorized_applications: [
        {
          user_id: ADA,
          application: { id: APP, client_id: 'client_first', name: 'Acme CLI', scopes: ['openid', 'profile'], redirect_uris: ['http://localhost:8080/callback'] },
          created_at: '2026-02-01T00:00:00Z',
        },
        { user_id: ADA, application: { name: 'Partner', organization_id: ACME }, granted_scopes: ['read'], oauth_resource: 'https://api.example.com', created_at: '2026-02-02T00:00:00Z' },
        { user_id: ADA, application: { name: 'Robot', application_type: 'm2m', organization_id: ACME }, created_at: '2026-02-03T00:00:00Z' },
      ],
    });
  }

  it('lists the three application shapes the spec allows, newest first', async () => {
    await seeded();
    const list = expectSpec(await req('GET', `/user_management/users/${ADA}/authorized_applications`), OP.list, 200) as List<{
      granted_scopes: string[];
      oauth_resource?: string;
      application: Record<string, unknown>;
    }>;
    expect(list.data.map((a) => [a.application.name, a.application.application_type])).toEqual([
      ['Robot', 'm2m'],
      ['Partner', 'oauth'],
      ['Acme CLI', 'oauth'],
    ]);
    expect(list.data[2]).toMatchObject({
      granted_scopes: ['openid', 'profile'],
      application: { id: APP, client_id: 'client_first', is_first_party: true, redirect_uris: [{ uri: 'http://localhost:8080/callback', default: true }] },
    });
    expect(list.data[1]).toMatchObject({ oauth_resource: 'https://api.example.com', application: { is_first_party: false, organization_id: ACME } });
  });

  it('deletes by application id or client id (204), then 404', async () => {
    await seeded();
    expectSpec(await req('DELETE', `/user_management/users/${ADA}/authorized_applications/client_first`), OP.delete, 204);
    expectSpec(await req('DELETE', `/user_management/users/${ADA}/authorized_applications/${APP}`), OP.delete, 404);
    const list = JSON.parse((await req('GET', `/user_management/users/${ADA}/authorized_applications`)).body) as List<unknown>;
    expect(list.data).toHaveLength(2);
    expectSpec(await req('DELETE', `/user_management/users/${newId('user')}/authorized_applications/${APP}`), OP.delete, 404);
  });

  it('answers 404 for an unknown user and 422 for bad parameters', async () => {
    await seeded();
    expectSpec(await req('GET', `/user_management/users/${newId('user')}/authorized_applications`), OP.list, 404);
    expectSpec(await req('GET', `/user_management/users/${ADA}/authorized_applications?limit=500`), OP.list, 422);
  });
});

describe('data providers and connected accounts', () => {
  const OP = {
    providers: 'DataIntegrationsUserManagementController_getUserDataIntegrations',
    get: 'DataIntegrationsUserManagementController_getUserDataInstallation',
    delete: 'DataIntegrationsUserManagementController_deleteUserDataInstallation',
  };
  async function seeded() {
    await setup({
      data_providers: [
        { slug: 'github', name: 'GitHub', scopes: ['repo'] },
        { slug: 'slack', name: 'Slack', description: 'Team chat', ownership: 'organization' },
      ],
      connected_accounts: [
        { user_id: ADA, provider: 'github', scopes: ['repo'] },
        { user_id: ADA, provider: 'slack', organization_id: ACME, state: 'needs_reauthorization' },
      ],
    });
  }

  it('lists every provider with the user’s account for it, per organization', async () => {
    await seeded();
    type P = { slug: string; connected_account: { state: string; organization_id: string | null } | null };
    const mine = expectSpec(await req('GET', `/user_management/users/${ADA}/data_providers`), OP.providers, 200) as { data: P[] };
    expect(mine.data.map((p) => [p.slug, p.connected_account?.state ?? null])).toEqual([
      ['github', 'connected'],
      ['slack', null],
    ]);
    const inAcme = expectSpec(await req('GET', `/user_management/users/${ADA}/data_providers?organization_id=${ACME}`), OP.providers, 200) as { data: P[] };
    expect(inAcme.data.map((p) => [p.slug, p.connected_account?.organization_id ?? null])).toEqual([
      ['github', null],
      ['slack', ACME],
    ]);
    expectSpec(await req('GET', `/user_management/users/${newId('user')}/data_providers`), OP.providers, 404);
  });

  it('gets and deletes a connected account (204), then 404', async () => {
    await seeded();
    const account = expectSpec(await req('GET', `/user_management/users/${ADA}/connected_accounts/github`), OP.get, 200);
    expect(account).toMatchObject({ object: 'connected_account', user_id: ADA, organization_id: null, scopes: ['repo'], state: 'connected' });
    expectSpec(await req('GET', `/user_management/users/${ADA}/connected_accounts/slack`), OP.get, 404);
    expectSpec(await req('GET', `/user_management/users/${ADA}/connected_accounts/slack?organization_id=${ACME}`), OP.get, 200);
    expectSpec(await req('DELETE', `/user_management/users/${ADA}/connected_accounts/github`), OP.delete, 204);
    expectSpec(await req('DELETE', `/user_management/users/${ADA}/connected_accounts/github`), OP.delete, 404);
    expectSpec(await req('GET', `/user_management/users/${newId('user')}/connected_accounts/github`), OP.get, 404);
  });

  it.each([
    [{ connected_accounts: [{ user_id: ADA, provider: 'nope' }] }, 'connected_accounts[0].provider'],
    [{ sessions: [{ user_id: 'user_nope' }] }, 'sessions[0].user_id'],
    [{ authorized_applications: [{ user_id: ADA, application: { name: 'x', application_type: 'm2m' } }] }, 'authorized_applications[0].application.organization_id'],
  ])('a bad seed entry is refused naming it (%#)', async (extra, path) => {
    await expect(setup(extra)).rejects.toThrow(path);
  });
});
