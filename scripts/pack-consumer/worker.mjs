// One test worker: an environment of its own on the shared server (a copy of the seeded default
// one), then rounds of reset + SDK calls; it fails if it ever sees the other worker's changes.
import { WorkOS } from '@workos-inc/node';

const [url, adminKey, name] = process.argv.slice(2);
const created = await fetch(`${url}/_flagstand/environments`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name, from_environment: 'default' }),
});
if (created.status !== 201) throw new Error(`create environment: ${created.status} ${await created.text()}`);
const { api_key: key } = await created.json();

const { hostname, port } = new URL(url);
const workos = new WorkOS(key, { apiHostname: hostname, port: Number(port), https: false });
const admin = (method, path, body) =>
  fetch(`${url}/_flagstand${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });

for (let round = 0; round < 20; round++) {
  if ((await admin('POST', '/environments/current/reset')).status !== 200) throw new Error('reset');
  const own = `${name}-${round}`;
  if ((await admin('POST', '/feature-flags', { slug: own, enabled: true })).status !== 201) throw new Error('create flag');
  if (name === 'a') await workos.featureFlags.enableFeatureFlag('beta');
  else await workos.featureFlags.disableFeatureFlag('beta');
  const slugs = (await workos.featureFlags.listFeatureFlags()).data.map((f) => f.slug).sort();
  if (JSON.stringify(slugs) !== JSON.stringify(['beta', own].sort())) throw new Error(`${name} saw ${slugs}`);
  const beta = await workos.featureFlags.getFeatureFlag('beta');
  if (beta.enabled !== (name === 'a')) throw new Error(`${name} saw beta.enabled = ${beta.enabled}`);
}
console.log(`worker ${name}: ok`);
