/**
 * A CPU profile of the server under the suite workload: `npx tsx bench/profile.ts [--size small|large]
 * [--envs N] [--workload suite|toggle|target] [--duration S] [--dir DIR]`. Bundles the CLI unminified (dist/profile/, so names and lines
 * read as in src/), starts it with `node --cpu-prof`, runs the workload,
 * stops the server (which writes the .cpuprofile into DIR) and prints the functions with the most
 * self time. Open the file in Chrome DevTools for the call tree.
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleForProfile, printProfile, profileFlags } from './cpu-profile.js';
import { runLoad } from './load.js';
import { fetchBody, freePort, spawnUntilHealthy } from './processes.js';
import { generateSeed, SIZES, type SizeName } from './seed.js';
import { suiteRequests, writeRequests } from './suite.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    envs: { type: 'string', default: '1' },
    workload: { type: 'string', default: 'suite' },
    duration: { type: 'string', default: '8' },
    dir: { type: 'string', default: join(tmpdir(), 'flagstand-profile') },
  },
});
const dir = values.dir!;
mkdirSync(dir, { recursive: true });
const seed = generateSeed(SIZES[values.size as SizeName], join(tmpdir(), `flagstand-profile-${values.size}.json`));
const cli = await bundleForProfile();
const port = await freePort();
const server = await spawnUntilHealthy(process.execPath, [...profileFlags(dir), cli, '--port', String(port), '--log-level', 'silent', '--seed', seed.path], port);
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetchBody(port, path, { authorization: `Bearer ${seed.apiKey}`, 'content-type': 'application/json' }, method, body === undefined ? undefined : JSON.stringify(body));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as { id: string };
};
const keys = [seed.apiKey];
const source = (await call('GET', '/_flagstand/environments/current')).id;
for (let i = 1; i < Number(values.envs); i++) {
  keys.push(`sk_test_profile_${i}`);
  await call('POST', '/_flagstand/environments', { name: `profile-${i}`, from_environment: source, api_keys: [keys[i]] });
}
const before = new Set(readdirSync(dir));
const workload = values.workload === 'suite' ? suiteRequests(seed, keys, 10) : writeRequests(seed, seed.apiKey, 10, values.workload as 'toggle' | 'target');
const result = await runLoad({ port, perConnection: workload, connections: 10, durationSec: Number(values.duration), serverPid: server.child.pid });
await server.stop();
console.log(`${Math.round(result.rps)} req/s, p50 ${result.p50.toFixed(2)} ms, ${Math.round(result.cpuUsPerRequest ?? 0)} µs CPU/request, non-2xx ${result.non2xx}`);

printProfile(dir, before);
