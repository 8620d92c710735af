import {
  ConflictException,
  DomainDataState,
  GenericServerException,
  NotFoundException,
  UnprocessableEntityException,
  WorkOS,
} from '@workos-inc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedEnvironment } from '../../src/seed/schema.js';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';

// The official SDK (11.0.0) over a real port: every Organizations-reference method in scope
// (organizations, organizationDomains, and the organization API keys, which 11.0.0 keeps on
// `apiKeys`), plus Idempotency-Key retries, both explicit and the SDK's own after a lost response.

const KEY = 'sk_test_sdk_orgs';
const ACME = pinnedId('organization', 1);
const GLOBEX = pinnedId('organization', 2);
const INITECH = pinnedId('organization', 3);
const ACME_KEY = pinnedId('apiKey', 1);
const ACME_SECRET = 'sk_acme_known_secret_9876';

const SEED: SeedEnvironment = {
  organizations: [
    {
      id: ACME,
      name: 'Acme',
      external_id: 'acme-ext',
      metadata: { tier: 'gold' },
      domains: ['acme.com'],
      api_keys: [{ id: ACME_KEY, name: 'Seeded', value: ACME_SECRET, permissions: ['posts:read'] }],
      created_at: '2026-01-01T00:00:01.000Z',
    },
    { id: GLOBEX, name: 'Globex', domains: ['globex.com'], created_at: '2026-01-01T00:00:02.000Z' },
    { id: INITECH, name: 'Initech', created_at: '2026-01-01T00:00:03.000Z' },
  ],
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

const countOrganizations = () => (server.db.prepare('SELECT count(*) AS n FROM organizations').get() as { n: number }).n;

describe('organizations', () => {
  it('listOrganizations: newest first, filtered by domains (sent comma-joined), paged by limit/after', async () => {
    const all = await workos.organizations.listOrganizations();
    expect(all.data.map((o) => o.id)).toEqual([INITECH, GLOBEX, ACME]);
    expect(all.data[2]).toMatchObject({
      object: 'organization',
      name: 'Acme',
      externalId: 'acme-ext',
      metadata: { tier: 'gold' },
      allowProfilesOutsideOrganization: false,
      domains: [{ object: 'organization_domain', domain: 'acme.com', organizationId: ACME, state: 'verified' }],
    });
    const byDomain = await workos.organizations.listOrganizations({ domains: ['acme.com', 'globex.com'] });
    expect(byDomain.data.map((o) => o.id)).toEqual([GLOBEX, ACME]);
    const page = await workos.organizations.listOrganizations({ limit: 2 });
    expect(page.data.map((o) => o.id)).toEqual([INITECH, GLOBEX]);
    expect(page.listMetadata.after).toBe(GLOBEX);
    const next = await workos.organizations.listOrganizations({ limit: 2, after: page.listMetadata.after! });
    expect(next.data.map((o) => o.id)).toEqual([ACME]);
    // autoPagination walks pages of 100 from the start: one request here.
    expect((await all.autoPagination()).map((o) => o.id)).toEqual([INITECH, GLOBEX, ACME]);
  });

  it('createOrganization, getOrganization, getOrganizationByExternalId', async () => {
    const created = await workos.organizations.createOrganization({
      name: 'Acme Corporation',
      domainData: [{ domain: 'acme-corp.com', state: DomainDataState.Verified }],
      externalId: 'external_123',
      metadata: { industry: 'technology' },
    });
    expect(created).toMatchObject({
      object: 'organization',
      name: 'Acme Corporation',
      externalId: 'external_123',
      metadata: { industry: 'technology' },
      domains: [{ domain: 'acme-corp.com', state: 'verified', organizationId: created.id }],
    });
    expect(await workos.organizations.getOrganization(created.id)).toEqual(created);
    expect(await workos.organizations.getOrganizationByExternalId('external_123')).toEqual(created);
  });

  it('createOrganization errors: 400 taken external id, 409 taken domain, 422 invalid body', async () => {
    const taken = workos.organizations.createOrganization({ name: 'Again', externalId: 'acme-ext' });
    await expect(taken).rejects.toBeInstanceOf(GenericServerException);
    await expect(taken).rejects.toMatchObject({ status: 400, rawData: { code: 'external_id_already_used' } });
    const domain = workos.organizations.createOrganization({ name: 'Thief', domainData: [{ domain: 'acme.com', state: DomainDataState.Verified }] });
    await expect(domain).rejects.toBeInstanceOf(ConflictException);
    const invalid = workos.organizations.createOrganization({ name: '' });
    await expect(invalid).rejects.toBeInstanceOf(UnprocessableEntityException);
    await expect(invalid).rejects.toMatchObject({ status: 422 });
    expect(countOrganizations()).toBe(3);
  });

  it('createOrganization with an idempotencyKey: a retry answers the first organization and creates none', async () => {
    const first = await workos.organizations.createOrganization({ name: 'Once' }, { idempotencyKey: 'create-once' });
    const retry = await workos.organizations.createOrganization({ name: 'Once' }, { idempotencyKey: 'create-once' });
    expect(retry).toEqual(first);
    expect(countOrganizations()).toBe(4);
    const reused = workos.organizations.createOrganization({ name: 'Other' }, { idempotencyKey: 'create-once' });
    await expect(reused).rejects.toBeInstanceOf(UnprocessableEntityException);
    await expect(reused).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(countOrganizations()).toBe(4);
  });

  it('the SDK’s own Idempotency-Key makes its retry after a lost response safe', async () => {
    // The first answer is dropped after the server handled it, as a network failure would; the
    // SDK retries the POST with the same generated `retry-…` key and gets the first answer again.
    const seen: string[] = [];
    let dropped = false;
    const fetchFn: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      const key = new Headers(init?.headers).get('idempotency-key');
      if (init?.method === 'POST' && key) seen.push(key);
      if (init?.method === 'POST' && !dropped) {
        dropped = true;
        await res.text();
        throw new TypeError('fetch failed');
      }
      return res;
    };
    const retrying = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false, maxRetries: 1, fetchFn });
    const org = await retrying.organizations.createOrganization({ name: 'Lost Response' });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^retry-/);
    expect(seen[1]).toBe(seen[0]);
    expect(countOrganizations()).toBe(4);
    expect((await workos.organizations.getOrganization(org.id)).name).toBe('Lost Response');
  });

  it('updateOrganization: only the fields given, metadata merged', async () => {
    const updated = await workos.organizations.updateOrganization({
      organization: ACME,
      name: 'Acme Corp (Updated)',
      metadata: { industry: 'fintech' },
    });
    expect(updated).toMatchObject({
      id: ACME,
      name: 'Acme Corp (Updated)',
      externalId: 'acme-ext',
      metadata: { tier: 'gold', industry: 'fintech' },
      domains: [{ domain: 'acme.com' }],
    });
    const stripe = await workos.organizations.updateOrganization({ organization: ACME, stripeCustomerId: 'cus_R9qWAGMQ6nGE7V' });
    expect(stripe.stripeCustomerId).toBe('cus_R9qWAGMQ6nGE7V');
    await expect(workos.organizations.updateOrganization({ organization: pinnedId('organization', 9), name: 'x' })).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('deleteOrganization: then getOrganization is NotFoundException', async () => {
    await workos.organizations.deleteOrganization(GLOBEX);
    await expect(workos.organizations.getOrganization(GLOBEX)).rejects.toBeInstanceOf(NotFoundException);
    await expect(workos.organizations.deleteOrganization(GLOBEX)).rejects.toBeInstanceOf(NotFoundException);
    expect((await workos.organizations.listOrganizations()).data.map((o) => o.id)).toEqual([INITECH, ACME]);
  });
});

describe('organizationDomains', () => {
  it('createOrganizationDomain, getOrganizationDomain, verifyOrganizationDomain, deleteOrganizationDomain', async () => {
    const domain = await workos.organizationDomains.createOrganizationDomain({ domain: 'initech.com', organizationId: INITECH });
    expect(domain).toMatchObject({ object: 'organization_domain', domain: 'initech.com', organizationId: INITECH, state: 'pending', verificationStrategy: 'dns' });
    expect(domain.verificationToken).toMatch(/^[A-Za-z0-9]{25}$/);
    expect(await workos.organizationDomains.getOrganizationDomain(domain.id)).toEqual(domain);
    const verified = await workos.organizationDomains.verifyOrganizationDomain(domain.id);
    expect(verified).toMatchObject({ id: domain.id, state: 'verified' });
    const again = workos.organizationDomains.verifyOrganizationDomain(domain.id);
    await expect(again).rejects.toMatchObject({ status: 400, rawData: { code: 'domain_already_verified' } });
    expect((await workos.organizations.getOrganization(INITECH)).domains.map((d) => d.domain)).toEqual(['initech.com']);
    await workos.organizationDomains.deleteOrganizationDomain(domain.id);
    await expect(workos.organizationDomains.getOrganizationDomain(domain.id)).rejects.toBeInstanceOf(NotFoundException);
    expect((await workos.organizations.getOrganization(INITECH)).domains).toEqual([]);
  });

  it('createOrganizationDomain: ConflictException for a domain already held', async () => {
    const taken = workos.organizationDomains.createOrganizationDomain({ domain: 'globex.com', organizationId: INITECH });
    await expect(taken).rejects.toBeInstanceOf(ConflictException);
    await expect(taken).rejects.toMatchObject({ status: 409 });
  });
});

describe('organization API keys', () => {
  it('listOrganizationApiKeys and createOrganizationApiKey: the secret once, then obfuscated', async () => {
    const seeded = await workos.apiKeys.listOrganizationApiKeys({ organizationId: ACME });
    expect(seeded.data).toEqual([
      expect.objectContaining({
        object: 'api_key',
        id: ACME_KEY,
        owner: { type: 'organization', id: ACME },
        name: 'Seeded',
        obfuscatedValue: 'sk_...9876',
        lastUsedAt: null,
        permissions: ['posts:read'],
      }),
    ]);
    const created = await workos.apiKeys.createOrganizationApiKey({ organizationId: ACME, name: 'Production API Key' });
    expect(created.value).toMatch(/^sk_[A-Za-z0-9]{40}$/);
    expect(created.obfuscatedValue).toBe(`sk_...${created.value.slice(-4)}`);
    const listed = await workos.apiKeys.listOrganizationApiKeys({ organizationId: ACME });
    expect(listed.data.map((k) => k.id)).toEqual([created.id, ACME_KEY]);
    expect(JSON.stringify(listed.data)).not.toContain(created.value);
    await expect(workos.apiKeys.listOrganizationApiKeys({ organizationId: pinnedId('organization', 9) })).rejects.toBeInstanceOf(
      NotFoundException,
    );
  });

  it('createOrganizationApiKey with an idempotencyKey creates one key', async () => {
    const first = await workos.apiKeys.createOrganizationApiKey({ organizationId: GLOBEX, name: 'k' }, { idempotencyKey: 'key-once' });
    const retry = await workos.apiKeys.createOrganizationApiKey({ organizationId: GLOBEX, name: 'k' }, { idempotencyKey: 'key-once' });
    expect(retry).toEqual(first);
    expect((await workos.apiKeys.listOrganizationApiKeys({ organizationId: GLOBEX })).data).toHaveLength(1);
  });

  it('createValidation answers the key of a value, or null', async () => {
    const valid = await workos.apiKeys.createValidation({ value: ACME_SECRET });
    expect(valid.apiKey).toMatchObject({ id: ACME_KEY, owner: { type: 'organization', id: ACME }, name: 'Seeded' });
    expect(valid.apiKey?.lastUsedAt).toEqual(expect.any(String));
    expect((await workos.apiKeys.createValidation({ value: 'sk_nope' })).apiKey).toBeNull();
    // The environment's own secret key is not an organization API key.
    expect((await workos.apiKeys.createValidation({ value: KEY })).apiKey).toBeNull();
  });

  it('deleteApiKey: the key stops validating; again is NotFoundException', async () => {
    await workos.apiKeys.deleteApiKey(ACME_KEY);
    expect((await workos.apiKeys.createValidation({ value: ACME_SECRET })).apiKey).toBeNull();
    await expect(workos.apiKeys.deleteApiKey(ACME_KEY)).rejects.toBeInstanceOf(NotFoundException);
  });
});
