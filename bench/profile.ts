/**
 * A CPU profile of the server under the suite workload: `npx tsx bench/profile.ts [--size small|large]
 * [--envs N] [--workload suite|toggle|target] [--duration S] [--dir DIR]`. Bundles the CLI unminified (dist/profile/, so names and lines
 * read as in src/), starts it with `node --cpu-prof`, runs the workload,
 * stops the server (which writes the .cpuprofile into DIR) and prints the functions with the most
 * self time. Open the file in Chrome DevTools for the call tree.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
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
const ROOT = new URL('..', import.meta.url).pathname;
const dir = values.dir!;
mkdirSync(dir, { recursive: true });
const seed = generateSeed(SIZES[values.size as SizeName], join(tmpdir(), `flagstand-profile-${values.size}.json`));
const cli = join(ROOT, 'dist/profile/cli.js');
await build({ entryPoints: [join(ROOT, 'src/cli.ts')], outfile: cli, bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['better-sqlite3', 'yaml'], sourcemap: false, logLevel: 'warning', banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
const port = await freePort();
const server = await spawnUntilHealthy(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, cli, '--port', String(port), '--log-level', 'silent', '--seed', seed.path], port);
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

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }
const file = readdirSync(dir).find((f) => !before.has(f) && f.endsWith('.cpuprofile'));
if (!file) throw new Error('no profile written');
const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { nodes: Node[] };
const self = new Map<string, number>();
let total = 0;
for (const n of profile.nodes) {
  const where = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${n.callFrame.lineNumber + 1}`;
  self.set(where, (self.get(where) ?? 0) + n.hitCount);
  total += n.hitCount;
}
console.log(`profile: ${join(dir, file)}`);
for (const [where, hits] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((hits / total) * 100).toFixed(1).padStart(5)}%  ${where}`);
