import { describe, expect, it } from 'vitest';
import { createFlagstand } from '../../src/server.js';
import { SeedError } from '../../src/seed/seed-error.js';

const load = (organizations: unknown[]) => createFlagstand({ seed: { organizations } as never, logLevel: 'silent' });

describe('seeding organizations', () => {
  it('refuses a domain given to two organizations, whatever its case', async () => {
    await expect(load([{ name: 'A', domains: ['acme.com'] }, { name: 'B', domains: [{ domain: 'ACME.com' }] }])).rejects.toThrow(
      new SeedError("seed: organizations[1].domains[0]: domain 'acme.com' is already a domain of organizations[0]", 'organizations.1.domains.0'),
    );
  });

  it('refuses a duplicate stripe_customer_id', async () => {
    await expect(load([{ name: 'A', stripe_customer_id: 'cus_1' }, { name: 'B', stripe_customer_id: 'cus_1' }])).rejects.toThrow(
      /organizations\[1\]\.stripe_customer_id: duplicate stripe_customer_id 'cus_1'/,
    );
  });

  it('refuses metadata keys over 40 characters', async () => {
    await expect(load([{ name: 'A', metadata: { ['k'.repeat(41)]: 'v' } }])).rejects.toThrow(SeedError);
    const ok = await load([{ name: 'A', metadata: { ['k'.repeat(40)]: 'v' } }]);
    await ok.app.close();
  });

  it('refuses two organization API keys with one value, and bad api key ids', async () => {
    await expect(
      load([
        { name: 'A', api_keys: [{ name: 'k', value: 'sk_same' }] },
        { name: 'B', api_keys: [{ name: 'k', value: 'sk_same' }] },
      ]),
    ).rejects.toThrow(/organizations\[1\]\.api_keys\[0\]\.value: the same value is given to another API key/);
    await expect(load([{ name: 'A', api_keys: [{ id: 'key_1', name: 'k', value: 'sk_1' }] }])).rejects.toThrow(
      /organizations\[0\]\.api_keys\[0\]\.id: 'key_1' is not a valid api key id/,
    );
  });

  it('stores domains lowercased', async () => {
    const f = await load([{ id: 'org_01HZ0000000000000000000001', name: 'A', domains: ['Acme.COM'] }]);
    const row = f.db.prepare('SELECT domain FROM organization_domains').get() as { domain: string };
    expect(row.domain).toBe('acme.com');
    await f.app.close();
  });
});
