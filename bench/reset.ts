/**
 * How fast reset, snapshot/restore and environment creation are on a ~10k-row environment:
 * `npm run bench:reset [-- --runs N]`. No test runner: a timed unit test would be flaky, and
 * this prints numbers to read, not verdicts. Each measurement gives wall-clock time and the CPU
 * time this process spent (robust when other work shares the machine); HTTP calls come from a
 * client in the same process (keep-alive), so their CPU time includes the client's share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../src/clock.js';
import { migrate } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import { createSnapshots } from '../src/db/snapshots.js';
import { loadSeed } from '../src/seed/load.js';
import { readSeedFile } from '../src/seed/read.js';
import type { SeedEnvironment } from '../src/seed/schema.js';
import { startServer } from '../src/server.js';
import { createStores } from '../src/stores.js';
import { generateSeed } from './seed.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'flagstand-reset-'));
const seed = generateSeed({ flags: 200, organizations: 1_000, users: 3_000, targets: 2_000 }, join(dir, 'seed.json'));
const server = await startServer({ port: 0, logLevel: 'silent', seed: seed.path });
const environmentId = server.environments[0].id;
const publicId = server.environments[0].publicId;
const KEY = seed.apiKey;

async function call(method: string, path: string, body?: unknown, key = KEY): Promise<Record<string, any>> {
  const res = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? {} : ((await res.json()) as Record<string, any>);
}

/** What one test typically does: a few enables, disables and targets, two new flags, one deleted. */
async function typicalTest(round: number): Promise<number> {
  for (let i = 0; i < 3; i++) await call('PUT', `/feature-flags/flag-${i}/enable`);
  for (let i = 3; i < 5; i++) await call('PUT', `/feature-flags/flag-${i}/disable`);
  for (let i = 0; i < 5; i++) await call('POST', `/feature-flags/flag-${10 + i}/targets/${seed.organizationIds[round % 500 + i]}`);
  await call('POST', '/_flagstand/feature-flags', { slug: `new-a-${round}`, enabled: true });
  await call('POST', '/_flagstand/feature-flags', { slug: `new-b-${round}` });
  await call('DELETE', '/_flagstand/feature-flags/flag-20');
  return 13; // requests that wrote
}

interface Stat {
  median: number;
  min: number;
  max: number;
}
function stat(samples: number[]): Stat {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}
interface Sample {
  wall: number;
  cpu: number;
}
const rows: { label: string; wall: Stat; cpu: Stat; note: string }[] = [];
function record(label: string, samples: Sample[], note = ''): void {
  const row = { label, wall: stat(samples.map((x) => x.wall)), cpu: stat(samples.map((x) => x.cpu)), note };
  rows.push(row);
  process.stderr.write(`  ${label}: median ${row.wall.median.toFixed(2)} ms, cpu ${row.cpu.median.toFixed(2)} ms\n`);
}
async function time(fn: () => unknown): Promise<Sample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const envRows = () =>
  (
    server.db
      .prepare(
        `SELECT (SELECT count(*) FROM organizations WHERE environment_id = @e) + (SELECT count(*) FROM users WHERE environment_id = @e)
          + (SELECT count(*) FROM organization_memberships WHERE environment_id = @e) + (SELECT count(*) FROM feature_flags WHERE environment_id = @e)
          + (SELECT count(*) FROM flag_targets WHERE environment_id = @e) AS n`,
      )
      .get({ e: environmentId }) as { n: number }
  ).n;
const ROWS = envRows();
process.stderr.write(`environment: ${ROWS} rows (${seed.counts.organizations} orgs, ${seed.counts.users} users, ${seed.counts.memberships} memberships, ${seed.counts.flags} flags, ${seed.counts.targets} targets)\n`);

// Warm up the routes and statements once.
await typicalTest(0);
await call('POST', '/_flagstand/environments/current/reset');

const reset: Sample[] = [];
const resetInProcess: Sample[] = [];
const noop: Sample[] = [];
const restore: Sample[] = [];
for (let i = 1; i <= RUNS; i++) {
  await typicalTest(i);
  reset.push(await time(() => call('POST', '/_flagstand/environments/current/reset')));
  noop.push(await time(() => call('POST', '/_flagstand/environments/current/reset')));
  await typicalTest(i);
  resetInProcess.push(await time(() => server.admin.reset(publicId)));
}
record('reset after a typical test (HTTP)', reset, '13 writing requests before it');
record('reset after a typical test (in-process)', resetInProcess);
record('reset with nothing changed (HTTP)', noop);

const snapshotTimes: Sample[] = [];
const snapshots: string[] = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  snapshotTimes.push(await time(async () => snapshots.push((await call('POST', '/_flagstand/environments/current/snapshots')).id)));
}
record('take a snapshot (HTTP)', snapshotTimes, 'copies every row');
for (const id of snapshots.slice(1)) await call('DELETE', `/_flagstand/environments/current/snapshots/${id}`);
for (let i = 1; i <= RUNS; i++) {
  await typicalTest(i);
  restore.push(await time(() => call('POST', `/_flagstand/environments/current/snapshots/${snapshots[0]}/restore`)));
}
record('restore a snapshot after a typical test (HTTP)', restore);
await call('DELETE', `/_flagstand/environments/current/snapshots/${snapshots[0]}`);

// The worst case: every row of the environment rewritten since the baseline.
const everything: Sample[] = [];
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  for (const table of ['organizations', 'users', 'organization_memberships', 'feature_flags', 'flag_targets']) {
    server.db.prepare(`UPDATE ${table} SET updated_at = ? WHERE environment_id = ?`).run(`2000-01-01T00:00:${String(i).padStart(2, '0')}.000Z`, environmentId);
  }
  everything.push(await time(() => server.admin.reset(publicId)));
}
record('reset after every row changed (in-process)', everything, `${ROWS} rows rewritten`);

const copies: Sample[] = [];
const fromSeed: Sample[] = [];
const doc = readSeedFile(seed.path) as SeedEnvironment;
for (let i = 0; i < Math.min(RUNS, 10); i++) {
  copies.push(await time(() => call('POST', '/_flagstand/environments', { name: `copy-${i}`, from_environment: publicId })));
}
record('new environment copied from it (HTTP)', copies, 'from_environment');
for (let i = 0; i < 3; i++) {
  fromSeed.push(await time(() => call('POST', '/_flagstand/environments', { ...doc, name: `seeded-${i}`, api_keys: [`sk_test_seeded_${i}`] })));
}
record('new environment from the same seed in the body (HTTP)', fromSeed, 'parses and inserts row by row');
const wholeServer: Sample[] = [];
for (let i = 0; i < 3; i++) {
  await call('POST', '/_flagstand/environments', { name: `extra-${i}`, from_environment: publicId });
  await typicalTest(i);
  wholeServer.push(await time(() => call('POST', '/_flagstand/reset')));
}
record('whole-server reset (HTTP)', wholeServer, 'deletes the environments created since');

// What 100 such copies cost: time each, the database pages they add and the process's RSS.
const pages = () => server.db.prepare<[], number>('SELECT page_count * page_size FROM main.pragma_page_count, main.pragma_page_size').pluck().get()!;
const rss = () => process.memoryUsage().rss;
const [bytesBefore, rssBefore] = [pages(), rss()];
const hundred: Sample[] = [];
for (let i = 0; i < 100; i++) {
  hundred.push(await time(() => call('POST', '/_flagstand/environments', { name: `hundred-${i}`, from_environment: publicId })));
}
const perCopy = (bytes: number) => `${((bytes / 100) / 2 ** 20).toFixed(2)} MB each`;
record('100 environments copied from it, each (HTTP)', hundred,
  `database +${perCopy(pages() - bytesBefore)}, RSS +${perCopy(rss() - rssBefore)} (${((rss() - rssBefore) / 2 ** 20).toFixed(0)} MB for 100)`);
await call('POST', '/_flagstand/reset');
await server.close();

// What change-tracking costs each write: the same updates with and without the triggers.
{
  const db = openDatabase(':memory:');
  migrate(db);
  const stores = createStores(db);
  const { environments } = loadSeed(db, stores, readSeedFile(seed.path), systemClock);
  const snapshotsEngine = createSnapshots(db);
  const env = environments[0].id;
  const flags = stores.flags.all(env);
  const updates = (n: number) =>
    db.transaction(() => {
      for (let i = 0; i < n; i++) stores.flags.update(env, { ...flags[i % flags.length], name: `renamed ${i}` });
    })();
  const N = 5_000;
  updates(N);
  const tracked: Sample[] = [];
  const untracked: Sample[] = [];
  const perUpdate = (x: Sample): Sample => ({ wall: (x.wall / N) * 1000, cpu: (x.cpu / N) * 1000 });
  for (let i = 0; i < 7; i++) {
    tracked.push(perUpdate(await time(() => updates(N))));
    untracked.push(perUpdate(await time(() => snapshotsEngine.untracked(() => updates(N)))));
  }
  record('one flag UPDATE with change tracking (µs)', tracked);
  record('one flag UPDATE without change tracking (µs)', untracked);
  db.close();
}

rmSync(dir, { recursive: true, force: true });
const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
console.log(`\n${ROWS}-row environment, ${RUNS} runs (ms unless noted)\n`);
console.log('| measurement | median | min | max | CPU median | note |\n|---|---:|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.label} | ${f(r.wall.median)} | ${f(r.wall.min)} | ${f(r.wall.max)} | ${f(r.cpu.median)} | ${r.note} |`);
