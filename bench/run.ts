/**
 * flagstand benchmarks: `npm run bench [-- --size small|large|all --only routes|suite|all --duration S --connections N --starts N]`.
 * Drives a built server (dist/cli.js) from outside, as a user would: a generated seed file given
 * with --seed, autocannon for load, GET /health for readiness. See README.md, "Benchmarks".
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureWriteDurability } from './durability.js';
import { runLoad, type LoadResult } from './load.js';
import { fetchBody, freePort, rssMb, sleep, spawnUntilHealthy, type Spawned } from './processes.js';
import { suiteRequests, writeRequests, type WorkloadRequest } from './suite.js';
import { SUITE_ROUTE, TARGET_WRITES, TOGGLE_WRITES, USER_ROUTE, USER_ROUTE_COLD, writeReport, type AdminResult, type Report, type RouteResult, type SeedLoad, type SizeReport, type Stat } from './report.js';
import { generateSeed, SIZES, type GeneratedSeed, type SizeName } from './seed.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.js');
const HELLO = join(ROOT, 'bench/hello-server.mjs');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'all' },
    // `suite`: only the suite workload and the writes alone (a minute or two per size), no seed-load or start timings.
    only: { type: 'string', default: 'all' },
    envs: { type: 'string', default: '1,8' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    starts: { type: 'string', default: '9' },
    loads: { type: 'string', default: '3' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
  },
});
const sizes: SizeName[] = values.size === 'all' ? ['small', 'large'] : [values.size as SizeName];
if (!sizes.every((s) => s in SIZES)) throw new Error(`--size must be small, large or all, got '${values.size}'`);
const only = values.only as 'all' | 'routes' | 'suite';
if (!['all', 'routes', 'suite'].includes(only)) throw new Error(`--only must be routes, suite or all, got '${only}'`);
const suiteEnvs = values.envs!.split(',').map(Number);
const durationSec = Number(values.duration);
const connections = Number(values.connections);
const startRuns = Number(values.starts);
const loadRuns = only === 'suite' ? 1 : Math.max(1, Number(values.loads));
if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run `npm run build` (npm run bench does it first)');

const log = (line: string) => process.stderr.write(line + '\n');

function stat(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

async function startFlagstand(args: string[]): Promise<Spawned> {
  const port = await freePort();
  return spawnUntilHealthy(process.execPath, [CLI, '--port', String(port), '--log-level', 'silent', ...args], port);
}

async function startHello(): Promise<Spawned> {
  const port = await freePort();
  return spawnUntilHealthy(process.execPath, [HELLO, String(port)], port);
}

/** Spawn-to-healthy of an empty in-memory server (and of the hello-world server, for scale), several runs. */
async function measureStarts(): Promise<{ flagstand: Stat; hello: Stat }> {
  const flagstand: number[] = [];
  const hello: number[] = [];
  for (let i = 0; i <= startRuns; i++) {
    const a = await startFlagstand([]);
    await a.stop();
    const b = await startHello();
    await b.stop();
    // The first pair warms the disk cache and is not counted.
    if (i === 0) continue;
    flagstand.push(a.startMs);
    hello.push(b.startMs);
  }
  return { flagstand: stat(flagstand), hello: stat(hello) };
}

/** A fixed sample of ids in a fixed shuffled order, so requests spread over many rows. */
function sample(ids: string[], n: number): string[] {
  const out: string[] = [];
  const step = Math.max(1, Math.floor(ids.length / n));
  for (let i = 0; i < ids.length && out.length < n; i += step) out.push(ids[i]);
  // Deterministic interleave so neighbouring requests are far apart in the table.
  return out.map((_, i) => out[(i * 7919) % out.length]);
}

/**
 * Spawn-to-healthy with the seed, into the default in-memory database or a new file (--db),
 * `loadRuns` times (a shared machine moves a single run by a third): the median, and the last
 * server left running.
 */
async function startSeeded(seed: GeneratedSeed, emptyStartMs: number, dbPath?: string): Promise<{ server: Spawned; load: SeedLoad }> {
  const runs: number[] = [];
  let server: Spawned | undefined;
  for (let i = 0; i < loadRuns; i++) {
    await server?.stop();
    if (dbPath) for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
    server = await startFlagstand([...(dbPath ? ['--db', dbPath] : []), '--seed', seed.path]);
    runs.push(server.startMs);
  }
  const { median } = stat(runs);
  return {
    server: server!,
    load: {
      startMs: median,
      runs,
      rowsPerSec: seed.rows / (median / 1000),
      netRowsPerSec: seed.rows / (Math.max(1, median - emptyStartMs) / 1000),
    },
  };
}

async function benchSize(name: SizeName, emptyStartMs: number): Promise<SizeReport> {
  const seedPath = join(tmpdir(), `flagstand-bench-${name}.json`);
  const dbPath = join(tmpdir(), `flagstand-bench-${name}.db`);
  log(`[${name}] generating seed…`);
  const seed: GeneratedSeed = generateSeed(SIZES[name], seedPath);

  log(`[${name}] starting flagstand with ${seed.rows.toLocaleString('en-US')} rows (${(seed.bytes / 1e6).toFixed(1)} MB seed), in memory…`);
  const { server, load: memoryLoad } = await startSeeded(seed, emptyStartMs);
  const hello = await startHello();
  let fileLoad: SeedLoad | undefined;
  const copyMs: number[] = [];
  try {
    await sleep(1000);
    const idleRssMb = rssMb(server.child.pid!);
    const headers = { authorization: `Bearer ${seed.apiKey}` };
    const userPaths = sample(seed.userIds, 2000).map((id) => `/user_management/users/${id}/feature-flags`);
    const orgPaths = sample(seed.organizationIds, 2000).map((id) => `/organizations/${id}/feature-flags`);
    const load = (target: Spawned, paths: string[]) =>
      runLoad({ port: target.port, paths, headers, connections, durationSec, serverPid: target.child.pid });

    const routes: { route: string; run: () => Promise<LoadResult> }[] = [];
    const reads = (route: string, paths: string[]) => routes.push({ route, run: () => load(server, paths) });
    if (only !== 'suite') {
      reads(USER_ROUTE, userPaths);
      reads('GET /organizations/{id}/feature-flags', orgPaths);
      reads('GET /feature-flags', ['/feature-flags']);
      if (name === 'small') {
        reads('GET /sdk/feature-flags', ['/sdk/feature-flags']);
        // The v2 poll (workos-node 12) beside v1: the same flags and targets, as rules.
        reads('GET /sdk/feature-flags?payload_version=2', ['/sdk/feature-flags?payload_version=2']);
      }
      // Pages are kept until the data changes, and the rows above ask for 2,000 users again and
      // again. Here 60,000 users take turns, more than the 20,000 pages kept: every request misses,
      // what a first request costs. (Not all 100,000: autocannon times out a few requests with a
      // request list that long, while a plain client over the same server sees none.)
      if (name === 'large') reads(USER_ROUTE_COLD, sample(seed.userIds, 60_000).map((id) => `/user_management/users/${id}/feature-flags`));
    }
    if (only !== 'routes') {
      const keys = await suiteKeys(server, seed, Math.max(...suiteEnvs), (ms) => copyMs.push(ms));
      const workload = (route: string, envKeys: string[], lists: WorkloadRequest[][]) =>
        routes.push({
          route,
          run: async () => {
            // Each row starts from the seeded data (a cut-off test of the previous row may have left a write standing).
            for (const key of envKeys) await expectOk(server.port, 'POST', '/_flagstand/environments/current/reset', key);
            return runLoad({ port: server.port, perConnection: lists, connections, durationSec, serverPid: server.child.pid });
          },
        });
      for (const n of suiteEnvs) workload(SUITE_ROUTE(n), keys.slice(0, n), suiteRequests(seed, keys.slice(0, n), connections));
      workload(TOGGLE_WRITES, [seed.apiKey], writeRequests(seed, seed.apiKey, connections, 'toggle'));
      workload(TARGET_WRITES, [seed.apiKey], writeRequests(seed, seed.apiKey, connections, 'target'));
    }

    // Hello-world runs between the routes: each route's ratio uses the hello-world runs on either
    // side of it, so a drift in machine speed (other work on a shared machine) cancels out.
    const helloPaths = userPaths.map(() => '/');
    log(`[${name}] hello-world…`);
    const helloRuns: LoadResult[] = [await load(hello, helloPaths)];
    const measured: { route: string; result: LoadResult; helloRps: number }[] = [];
    for (const r of routes) {
      log(`[${name}] ${r.route}…`);
      const result = await r.run();
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${r.route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      log(`[${name}] hello-world…`);
      helloRuns.push(await load(hello, helloPaths));
      const helloRps = (helloRuns[helloRuns.length - 2].rps + helloRuns[helloRuns.length - 1].rps) / 2;
      measured.push({ route: r.route, result, helloRps });
    }
    await sleep(1000);
    const rss = { idle: idleRssMb, afterLoad: rssMb(server.child.pid!), hello: rssMb(hello.child.pid!) };
    await server.stop();

    if (only !== 'suite') {
      log(`[${name}] starting flagstand with the same seed into a new --db file…`);
      const file = await startSeeded(seed, emptyStartMs, dbPath);
      fileLoad = file.load;
      await file.server.stop();
    }

    const results: RouteResult[] = measured.map(({ route, result, helloRps }) => ({ route, ...result, helloRps, ratio: result.rps / helloRps }));
    return {
      size: name,
      counts: seed.counts,
      seed: { rows: seed.rows, megabytes: seed.bytes / 1e6, memory: memoryLoad, file: fileLoad },
      environmentCopyMs: copyMs.length ? stat(copyMs) : undefined,
      hello: helloRuns,
      routes: results,
      rssMb: rss,
    };
  } finally {
    await server.stop();
    await hello.stop();
    rmSync(seedPath, { force: true });
    for (const suffix of ['', '-wal', '-shm']) rmSync(dbPath + suffix, { force: true });
  }
}

async function expectOk(port: number, method: string, path: string, key: string, body?: unknown): Promise<string> {
  const res = await fetchBody(port, path, { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) }, method, body === undefined ? undefined : JSON.stringify(body));
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
  return res.body;
}

/**
 * The seeded environment's key and, for parallel workers, `n - 1` more environments copied from
 * it (POST /_flagstand/environments with from_environment), each with its own key; `copied` gets
 * each copy's time over HTTP.
 */
async function suiteKeys(server: Spawned, seed: GeneratedSeed, n: number, copied: (ms: number) => void): Promise<string[]> {
  const source = (JSON.parse(await expectOk(server.port, 'GET', '/_flagstand/environments/current', seed.apiKey)) as { id: string }).id;
  const keys = [seed.apiKey];
  for (let i = 1; i < n; i++) {
    const key = `sk_test_bench_worker_${i}`;
    const start = process.hrtime.bigint();
    await expectOk(server.port, 'POST', '/_flagstand/environments', seed.apiKey, { name: `bench-worker-${i}`, from_environment: source, api_keys: [key] });
    copied(Number(process.hrtime.bigint() - start) / 1e6);
    keys.push(key);
  }
  return keys;
}

const ADMIN_SEED = { flags: 200, organizations: 1_000, users: 3_000, targets: 2_000 };

/**
 * Reset and snapshot restore over HTTP on a ~10k-row environment, each after what a test
 * typically does (a few enables, disables and targets), median of `runs`.
 */
async function measureAdmin(runs: number): Promise<AdminResult> {
  const seedPath = join(tmpdir(), 'flagstand-bench-admin.json');
  const seed = generateSeed(ADMIN_SEED, seedPath);
  const server = await startFlagstand(['--seed', seedPath]);
  const headers = { authorization: `Bearer ${seed.apiKey}`, 'content-type': 'application/json' };
  const call = async (method: string, path: string) => {
    const res = await fetchBody(server.port, path, headers, method);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body}`);
    return res.body;
  };
  const timed = async (method: string, path: string) => {
    const start = process.hrtime.bigint();
    await call(method, path);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const typicalTest = async (round: number) => {
    for (let i = 0; i < 3; i++) await call('PUT', `/feature-flags/flag-${i}/enable`);
    for (let i = 3; i < 5; i++) await call('PUT', `/feature-flags/flag-${i}/disable`);
    for (let i = 0; i < 5; i++) await call('POST', `/feature-flags/flag-${10 + i}/targets/${seed.organizationIds[(round * 5 + i) % 1000]}`);
  };
  try {
    const snapshot = (JSON.parse(await call('POST', '/_flagstand/environments/current/snapshots')) as { id: string }).id;
    const reset: number[] = [];
    const restore: number[] = [];
    for (let i = 0; i <= runs; i++) {
      await typicalTest(i);
      const r = await timed('POST', '/_flagstand/environments/current/reset');
      await typicalTest(i);
      const s = await timed('POST', `/_flagstand/environments/current/snapshots/${snapshot}/restore`);
      // The first round warms the routes up.
      if (i === 0) continue;
      reset.push(r);
      restore.push(s);
    }
    // Environments copied from this one (the parallel workers' way): each copy's time, and the
    // server's memory for 100 of them (RSS after, less before; then they are deleted).
    const source = (JSON.parse(await call('GET', '/_flagstand/environments/current')) as { id: string }).id;
    const copy = async (i: number) => {
      const start = process.hrtime.bigint();
      const res = await fetchBody(server.port, '/_flagstand/environments', headers, 'POST', JSON.stringify({ name: `copy-${i}`, from_environment: source, api_keys: [`sk_test_copy_${i}`] }));
      if (res.status !== 201) throw new Error(`copy ${i}: ${res.status} ${res.body}`);
      return { ms: Number(process.hrtime.bigint() - start) / 1e6, id: (JSON.parse(res.body) as { id: string }).id };
    };
    await sleep(500);
    const rssBefore = rssMb(server.child.pid!);
    const copies = [];
    for (let i = 0; i < 100; i++) copies.push(await copy(i));
    await sleep(500);
    const hundredCopiesMb = rssMb(server.child.pid!) - rssBefore;
    for (const c of copies) await call('DELETE', `/_flagstand/environments/${c.id}`);
    return { rows: seed.rows, reset: stat(reset), restore: stat(restore), copy: stat(copies.slice(1).map((c) => c.ms)), hundredCopiesMb };
  } finally {
    await server.stop();
    rmSync(seedPath, { force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(values.out!, { recursive: true });
  log(`spawn-to-healthy, ${startRuns} runs…`);
  const starts = only === 'suite' ? undefined : await measureStarts();
  const reports: SizeReport[] = [];
  for (const size of sizes) reports.push(await benchSize(size, starts?.flagstand.median ?? 0));
  log('reset and restore on a ~10k-row environment…');
  const admin = only === 'suite' ? undefined : await measureAdmin(startRuns * 2);
  if (only !== 'suite') log('writes in memory and on --db files (synchronous normal, full)…');
  const writes = only === 'suite' ? undefined : await measureWriteDurability(startFlagstand, { connections, durationSec });

  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: totalmem() / 2 ** 30, node: process.version },
    settings: { durationSec, connections, startRuns, loadRuns, only },
    starts,
    admin,
    sizes: reports,
    writes,
  };
  const table = writeReport(report, values.out!);
  process.stdout.write(table + '\n');
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
