// Type-checked (strict, NodeNext) and run in an empty project that installed the packed tarball:
// the package entry resolves with its types, and its API works with the official SDK.
import { WorkOS } from '@workos-inc/node';
import { createFlagstandApp, startFlagstand, type FlagstandSnapshot, type RunningFlagstand, type SeedDocument } from 'flagstand';

const seed: SeedDocument = { feature_flags: [{ slug: 'beta', enabled: true }] };
const server: RunningFlagstand = await startFlagstand({ seed });
const workos = new WorkOS(server.apiKey, server.sdkOptions);
const enabled: boolean = (await workos.featureFlags.getFeatureFlag('beta')).enabled;
const snapshot: FlagstandSnapshot = await server.snapshot();
await workos.featureFlags.disableFeatureFlag('beta');
await server.restore(snapshot);
const restored: boolean = (await workos.featureFlags.getFeatureFlag('beta')).enabled;
const env = await server.createEnvironment({ fromEnvironment: 'default' });
const key: string = env.apiKey;
await server.reset();
await server.close();

const local = await createFlagstandApp({ seed });
const res = await local.app.inject({ method: 'GET', url: '/feature-flags/beta', headers: local.headers });
await local.close();
console.log(JSON.stringify({ enabled, restored, key: key.startsWith('sk_test_'), status: res.statusCode }));
