/**
 * flagstand benchmarks: `npm run bench [-- --size small|large|all --duration S --connections N --starts N]`.
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
import { USER_ROUTE, USER_ROUTE_COLD, writeReport, type AdminResult, type Report, type RouteResult, type SeedLoad, type SizeReport, type Stat } from './report.js';
import { generateSeed, SIZES, type GeneratedSeed, type SizeName } from './seed.js';

const ROOT = new URL('..', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli.js');
const HELLO = join(ROOT, 'bench/hello-server.mjs');

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'all' },
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    starts: { type: 'string', default: '9' },
    loads: { type: 'string', default: '3' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
  },
});
const sizes: SizeName[] = values.size === 'all' ? ['small', 'large'] : [values.size as SizeName];
if (!sizes.every((s) => s in SIZES)) throw new Error(`--size must be small, large or all, got '${values.size}'`);
const durationSec = Number(values.duration);
const connections = Number(values.connections);
const startRuns = Number(values.starts);
const loadRuns = Math.max(1, Number(values.loads));
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
  try {
    await sleep(1000);
    const idleRssMb = rssMb(server.child.pid!);
    const headers = { authorization: `Bearer ${seed.apiKey}` };
    const userPaths = sample(seed.userIds, 2000).map((id) => `/user_management/users/${id}/feature-flags`);
    const orgPaths = sample(seed.organizationIds, 2000).map((id) => `/organizations/${id}/feature-flags`);
    const load = (target: Spawned, paths: string[]) =>
      runLoad({ port: target.port, paths, headers, connections, durationSec, serverPid: target.child.pid });

    const routes: { route: string; paths: string[] }[] = [
      { route: USER_ROUTE, paths: userPaths },
      { route: 'GET /organizations/{id}/feature-flags', paths: orgPaths },
      { route: 'GET /feature-flags', paths: ['/feature-flags'] },
    ];
    if (name === 'small') routes.push({ route: 'GET /sdk/feature-flags', paths: ['/sdk/feature-flags'] });
    // Pages are kept until the data changes, and the rows above ask for 2,000 users again and
    // again. Here 60,000 users take turns, more than the 20,000 pages kept: every request misses,
    // what a first request costs. (Not all 100,000: autocannon times out a few requests with a
    // request list that long, while a plain client over the same server sees none.)
    if (name === 'large') routes.push({ route: USER_ROUTE_COLD, paths: sample(seed.userIds, 60_000).map((id) => `/user_management/users/${id}/feature-flags`) });

    // Hello-world runs between the routes: each route's ratio uses the hello-world runs on either
    // side of it, so a drift in machine speed (other work on a shared machine) cancels out.
    const helloPaths = userPaths.map(() => '/');
    log(`[${name}] hello-world…`);
    const helloRuns: LoadResult[] = [await load(hello, helloPaths)];
    const measured: { route: string; result: LoadResult; helloRps: number }[] = [];
    for (const r of routes) {
      log(`[${name}] ${r.route}…`);
      const result = await load(server, r.paths);
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${r.route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      log(`[${name}] hello-world…`);
      helloRuns.push(await load(hello, helloPaths));
      const helloRps = (helloRuns[helloRuns.length - 2].rps + helloRuns[helloRuns.length - 1].rps) / 2;
      measured.push({ route: r.route, result, helloRps });
    }
    await sleep(1000);
    const rss = { idle: idleRssMb, afterLoad: rssMb(server.child.pid!), hello: rssMb(hello.child.pid!) };
    await server.stop();

    log(`[${name}] starting flagstand with the same seed into a new --db file…`);
    const file = await startSeeded(seed, emptyStartMs, dbPath);
    fileLoad = file.load;
    await file.server.stop();

    const results: RouteResult[] = measured.map(({ route, result, helloRps }) => ({ route, ...result, helloRps, ratio: result.rps / helloRps }));
    return {
      size: name,
      counts: seed.counts,
      seed: { rows: seed.rows, megabytes: seed.bytes / 1e6, memory: memoryLoad, file: fileLoad },
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
    return { rows: seed.rows, reset: stat(reset), restore: stat(restore) };
  } finally {
    await server.stop();
    rmSync(seedPath, { force: true });
  }
}

async function main(): Promise<void> {
  mkdirSync(values.out!, { recursive: true });
  log(`spawn-to-healthy, ${startRuns} runs…`);
  const starts = await measureStarts();
  const reports: SizeReport[] = [];
  for (const size of sizes) reports.push(await benchSize(size, starts.flagstand.median));
  log('reset and restore on a ~10k-row environment…');
  const admin = await measureAdmin(startRuns * 2);
  log('writes in memory and on --db files (synchronous normal, full)…');
  const writes = await measureWriteDurability(startFlagstand, { connections, durationSec });

  const report: Report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGb: totalmem() / 2 ** 30, node: process.version },
    settings: { durationSec, connections, startRuns, loadRuns },
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
