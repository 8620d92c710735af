const { WorkOS } = require('@workos-inc/node');

const ORG = 'org_01HZX5QW0000000000000000A1';
const workos = () => new WorkOS(process.env.WORKOS_API_KEY, flagstand.sdkOptions);

test('the seeded flag is on for the targeted organization', async () => {
  const flags = await workos().featureFlags.listOrganizationFeatureFlags({ organizationId: ORG });
  expect(flags.data.map((f) => f.slug)).toContain('new-checkout');
});

test('a change in one test is gone in the next', async () => {
  await workos().featureFlags.disableFeatureFlag('new-checkout');
  expect((await workos().featureFlags.getFeatureFlag('new-checkout')).enabled).toBe(false);
});

test('starts from the seed again', async () => {
  expect((await workos().featureFlags.getFeatureFlag('new-checkout')).enabled).toBe(true);
});
