/**
 * Access-check benchmark: `npm run bench:authz [-- --duration S --connections N]`. A built server
 * (dist/cli.js) seeded with one organization whose resource tree is 5 levels deep with 10,000
 * resources; POST …/check on leaves (each check walks 5 ancestors), against a Fastify hello-world
 * in the same run. Target: check rps ≥ 0.5 × hello-world.
 *
 * `--profile [--dir DIR]`: instead, the check alone against the unminified bundle under
 * `node --cpu-prof` (as bench/profile.ts does), then the functions with the most self time.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleForProfile, printProfile, profileFlags } from './cpu-profile.js';
import { runLoad } from './load.js';
import { fetchBody, freePort, spawnUntilHealthy } from './processes.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    dir: { type: 'string', default: join(tmpdir(), 'flagstand-profile') },
  },
});
const durationSec = Number(values.duration);
const connections = Number(values.connections);

const KEY = 'sk_test_bench_authz';
const pinned = (prefix: string, n: number) => prefix + '01HX' + String(n).padStart(22, '0');
const ORG = pinned('org_', 1);
const MEMBER = pinned('om_', 1);
// Resources per level, 10,000 in all; a level-k resource's parent is one of level k-1's.
const LEVELS = [10, 40, 200, 1750, 8000];

function seed() {
  const resources: object[] = [];
  const ids: string[][] = [];
  let n = 1000; // clear of the organization resource's id
  LEVELS.forEach((count, level) => {
    ids.push([]);
    for (let i = 0; i < count; i++) {
      const id = pinned('authz_resource_', n++);
      ids[level].push(id);
      resources.push({
        id,
        organization_id: ORG,
        resource_type_slug: `l${level + 1}`,
        external_id: `l${level + 1}-${i}`,
        ...(level > 0 && { parent_resource_id: ids[level - 1][i % ids[level - 1].length] }),
      });
    }
  });
  // Half the top-level resources grant the permission: half the leaves are authorized, through 4 ancestors.
  const role_assignments = ids[0].filter((_, i) => i % 2 === 0).map((id) => ({ organization_membership_id: MEMBER, role_slug: 'l1-reader', resource_id: id }));
  return {
    doc: {
      api_keys: [KEY],
      organizations: [{ id: ORG, name: 'Bench' }],
      users: [{ id: pinned('user_', 1), email: 'bench@example.com' }],
      organization_memberships: [{ id: MEMBER, user_id: pinned('user_', 1), organization_id: ORG }],
      resource_types: LEVELS.map((_, i) => ({ slug: `l${i + 1}`, ...(i > 0 && { parent: `l${i}` }) })),
      permissions: [{ slug: 'doc:read', resource_type_slug: 'l5' }],
      roles: [{ slug: 'l1-reader', resource_type_slug: 'l1', permissions: ['doc:read'] }],
      resources,
      role_assignments,
    },
    leaves: ids[4],
  };
}

async function main() {
  const dir = join(tmpdir(), `flagstand-bench-authz-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const { doc, leaves } = seed();
  const seedPath = join(dir, 'seed.json');
  writeFileSync(seedPath, JSON.stringify(doc));
  const port = await freePort();
  const profileDir = values.dir!;
  if (values.profile) mkdirSync(profileDir, { recursive: true });
  const runner = values.profile ? [...profileFlags(profileDir), await bundleForProfile()] : [join(ROOT, 'dist/cli.js')];
  const server = await spawnUntilHealthy(process.execPath, [...runner, '--port', String(port), '--log-level', 'silent', '--seed', seedPath], port);
  const headers = { authorization: `Bearer ${KEY}` };
  const path = `/authorization/organization_memberships/${MEMBER}/check`;
  const sampleLeaves = Array.from({ length: 200 }, (_, i) => leaves[(i * 7919) % leaves.length]);
  const posts = sampleLeaves.map((id) => ({ path, body: JSON.stringify({ permission_slug: 'doc:read', resource_id: id }) }));
  try {
    const probe = await fetchBody(port, path, { ...headers, 'content-type': 'application/json' }, 'POST');
    process.stderr.write(`probe (no body): ${probe.status}\n`);
    const before = new Set(values.profile ? readdirSync(profileDir) : []);
    const check = await runLoad({ port, paths: [], posts, headers, connections, durationSec, serverPid: server.child.pid });
    if (values.profile) {
      await server.stop();
      console.log(`${Math.round(check.rps)} req/s, p50 ${check.p50.toFixed(2)} ms, ${Math.round(check.cpuUsPerRequest ?? 0)} µs CPU/request, non-2xx ${check.non2xx}`);
      return printProfile(profileDir, before, 40, check.requests);
    }
    const helloPort = await freePort();
    const hello = await spawnUntilHealthy(process.execPath, [join(ROOT, 'bench/hello-server.mjs'), String(helloPort)], helloPort);
    const base = await runLoad({ port: helloPort, paths: ['/'], connections, durationSec, serverPid: hello.child.pid });
    await hello.stop();
    const ratio = check.rps / base.rps;
    const line = (name: string, r: typeof check) =>
      `| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUsPerRequest?.toFixed(0) ?? '-'} | ${r.non2xx} |`;
    console.log(['| route | rps | p50 ms | p99 ms | server CPU µs/req | non-2xx |', '|---|---|---|---|---|---|', line('hello-world GET /', base), line('POST …/check (leaf, 5 levels, 10,000 resources)', check)].join('\n'));
    console.log(`\ncheck / hello-world = ${ratio.toFixed(2)} (target ≥ 0.50: ${ratio >= 0.5 ? 'met' : 'missed'})`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
