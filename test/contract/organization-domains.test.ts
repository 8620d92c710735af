import { afterEach, describe, expect, it } from 'vitest';
import type { SeedDocument } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

const ACME = 'org_01HZ0000000000000000000001';
const GLOBEX = 'org_01HZ0000000000000000000002';
const VERIFIED = 'org_domain_01HZ0000000000000000000001';
const seed: SeedDocument = {
  organizations: [
    { id: ACME, name: 'Acme', domains: [{ id: VERIFIED, domain: 'acme.com', state: 'verified' }], created_at: '2026-01-01T00:00:00.000Z' },
    { id: GLOBEX, name: 'Globex', domains: [{ domain: 'globex.com', state: 'legacy_verified' }] },
  ],
};

interface Domain {
  id: string;
  organization_id: string;
  domain: string;
  state: string;
  verification_strategy: string;
  verification_token?: string;
  verification_prefix?: string;
  created_at: string;
  updated_at: string;
}

async function app() {
  t = await buildTestApp({ seed, clock: '2026-01-15T12:00:00.000Z' });
}
const req = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: t.headers, ...(payload ? { payload } : {}) });
const organization = async (id: string) =>
  expectSpec(await req('GET', `/organizations/${id}`), 'OrganizationsController_find', 200) as { domains: Domain[]; updated_at: string };

describe('POST /organization_domains', () => {
  it('adds a pending domain awaiting DNS verification, visible on the organization', async () => {
    await app();
    const res = await req('POST', '/organization_domains', { domain: 'Acme.io', organization_id: ACME });
    const domain = expectSpec(res, 'OrganizationDomainsController_create', 201) as Domain;
    expect(domain).toMatchObject({
      organization_id: ACME,
      domain: 'acme.io',
      state: 'pending',
      verification_strategy: 'dns',
      created_at: '2026-01-15T12:00:00.000Z',
    });
    expect(domain.id).toMatch(/^org_domain_[0-9A-Z]{26}$/);
    expect(domain.verification_token).toMatch(/^[A-Za-z0-9]{25}$/);
    const org = await organization(ACME);
    expect(org.domains.map((d) => d.domain)).toEqual(['acme.com', 'acme.io']);
    expect(org.updated_at).toBe('2026-01-15T12:00:00.000Z');
  });

  it('answers 409 domain_already_exists for a domain of this or another organization', async () => {
    await app();
    const same = await req('POST', '/organization_domains', { domain: 'ACME.com', organization_id: ACME });
    expect(expectSpec(same, 'OrganizationDomainsController_create', 409)).toEqual({
      code: 'domain_already_exists',
      message: 'Domain already exists for this organization.',
    });
    const other = await req('POST', '/organization_domains', { domain: 'globex.com', organization_id: ACME });
    expect(expectSpec(other, 'OrganizationDomainsController_create', 409)).toEqual({
      code: 'domain_already_exists',
      message: "Domain 'globex.com' already exists on another organization.",
    });
  });

  it('answers 404 for an unknown organization and 422 for a bad body (neither is in the spec)', async () => {
    await app();
    const missing = await req('POST', '/organization_domains', { domain: 'x.com', organization_id: 'org_01HZ0000000000000000000009' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: "Organization not found: 'org_01HZ0000000000000000000009'." });
    for (const [body, field] of [
      [{ organization_id: ACME }, 'domain'],
      [{ domain: 'x.com' }, 'organization_id'],
      [{ domain: 'no spaces.com', organization_id: ACME }, 'domain'],
    ] as [object, string][]) {
      const res = await req('POST', '/organization_domains', body);
      expect(res.statusCode).toBe(422);
      expect((res.json() as { errors: { field: string }[] }).errors.map((e) => e.field)).toContain(field);
    }
  });
});

describe('GET /organization_domains/{id}', () => {
  it('gets a domain, and 404 for an unknown one', async () => {
    await app();
    const domain = expectSpec(await req('GET', `/organization_domains/${VERIFIED}`), 'OrganizationDomainsController_get', 200);
    expect(domain).toMatchObject({ id: VERIFIED, organization_id: ACME, domain: 'acme.com', state: 'verified', verification_strategy: 'manual' });
    const missing = expectSpec(await req('GET', '/organization_domains/org_domain_nope'), 'OrganizationDomainsController_get', 404);
    expect(missing).toMatchObject({ message: "Organization domain not found: 'org_domain_nope'." });
  });
});

describe('POST /organization_domains/{id}/verify', () => {
  it('verifies a pending domain at once (201), then answers 400 domain_already_verified', async () => {
    await app();
    const created = (await req('POST', '/organization_domains', { domain: 'acme.io', organization_id: ACME })).json() as Domain;
    t.clock.set('2026-01-16T00:00:00.000Z');
    const verified = expectSpec(await req('POST', `/organization_domains/${created.id}/verify`), 'OrganizationDomainsController_verify', 201);
    expect(verified).toEqual({ ...created, object: 'organization_domain', state: 'verified', updated_at: '2026-01-16T00:00:00.000Z' });
    expect((await organization(ACME)).updated_at).toBe('2026-01-16T00:00:00.000Z');
    const again = await req('POST', `/organization_domains/${created.id}/verify`);
    expect(expectSpec(again, 'OrganizationDomainsController_verify', 400)).toEqual({
      code: 'domain_already_verified',
      message: 'Domain is already verified.',
    });
  });

  it('answers 400 for a legacy_verified domain and 404 for an unknown one', async () => {
    await app();
    const legacy = (await organization(GLOBEX)).domains[0];
    expect(legacy.state).toBe('legacy_verified');
    expectSpec(await req('POST', `/organization_domains/${legacy.id}/verify`), 'OrganizationDomainsController_verify', 400);
    const missing = await req('POST', '/organization_domains/org_domain_nope/verify');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ message: "Organization domain not found: 'org_domain_nope'." });
  });
});

describe('DELETE /organization_domains/{id}', () => {
  it('answers 204, removes the domain from its organization, then 404', async () => {
    await app();
    expectSpec(await req('DELETE', `/organization_domains/${VERIFIED}`), 'OrganizationDomainsController_delete', 204);
    expect((await organization(ACME)).domains).toEqual([]);
    expectSpec(await req('GET', `/organization_domains/${VERIFIED}`), 'OrganizationDomainsController_get', 404);
    expectSpec(await req('DELETE', `/organization_domains/${VERIFIED}`), 'OrganizationDomainsController_delete', 404);
    // The domain is free again, for any organization.
    expectSpec(await req('POST', '/organization_domains', { domain: 'acme.com', organization_id: GLOBEX }), 'OrganizationDomainsController_create', 201);
  });
});
