// One test worker: an environment of its own on the shared server (a copy of the seeded default
// one), then rounds of reset + SDK calls; it fails if it ever sees the other worker's changes.
import { WorkOS } from '@workos-inc/node';
import { connectFlagstand } from 'flagstand';

const [url, adminKey, name] = process.argv.slice(2);
const env = await connectFlagstand({ url, apiKey: adminKey }).createEnvironment({ name, fromEnvironment: 'default' });
const flagstand = connectFlagstand({ url, apiKey: env.apiKey });
const workos = new WorkOS(env.apiKey, flagstand.sdkOptions);

for (let round = 0; round < 20; round++) {
  await flagstand.resetEnvironment();
  const own = `${name}-${round}`;
  await flagstand.createFlag({ slug: own, enabled: true });
  if (name === 'a') await workos.featureFlags.enableFeatureFlag('beta');
  else await workos.featureFlags.disableFeatureFlag('beta');
  const slugs = (await workos.featureFlags.listFeatureFlags()).data.map((f) => f.slug).sort();
  if (JSON.stringify(slugs) !== JSON.stringify(['beta', own].sort())) throw new Error(`${name} saw ${slugs}`);
  const beta = await workos.featureFlags.getFeatureFlag('beta');
  if (beta.enabled !== (name === 'a')) throw new Error(`${name} saw beta.enabled = ${beta.enabled}`);
}
console.log(`worker ${name}: ok`);
