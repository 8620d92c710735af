import { WorkOS } from '@workos-inc/node';
import { expect, it } from 'vitest';
import { flagstand } from './flagstand.setup.js';

const ORG = 'org_01HZX5QW0000000000000000A1';
const workos = () => new WorkOS(process.env.WORKOS_API_KEY!, flagstand.sdkOptions);

it('the seeded flag is on for the targeted organization', async () => {
  const flags = await workos().featureFlags.listOrganizationFeatureFlags({ organizationId: ORG });
  expect(flags.data.map((f) => f.slug)).toContain('new-checkout');
});

it('a change in one test is gone in the next', async () => {
  await workos().featureFlags.disableFeatureFlag('new-checkout');
  await flagstand.createFlag({ slug: 'only-in-this-test', enabled: true }); // WorkOS has no API for this
  expect((await workos().featureFlags.getFeatureFlag('new-checkout')).enabled).toBe(false);
});

it('starts from the seed again', async () => {
  expect((await workos().featureFlags.getFeatureFlag('new-checkout')).enabled).toBe(true);
  const all = await workos().featureFlags.listFeatureFlags();
  expect(all.data.map((f) => f.slug)).not.toContain('only-in-this-test');
});
