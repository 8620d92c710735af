import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteResult } from './durability.js';
import type { LoadResult } from './load.js';
import type { SeedSize, SizeName } from './seed.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export interface RouteResult extends LoadResult {
  route: string;
  /** Mean req/s of the hello-world runs just before and after this route. */
  helloRps: number;
  /** req/s as a share of helloRps. */
  ratio: number;
}

/** Spawn-to-healthy with a seed (median of `runs`), and rows per second over it (whole, and less an empty start). */
export interface SeedLoad {
  startMs: number;
  /** Every run's spawn-to-healthy, in ms. */
  runs: number[];
  rowsPerSec: number;
  netRowsPerSec: number;
}

export interface SizeReport {
  size: SizeName;
  counts: SeedSize & { memberships: number };
  /** `memory`: the default database, where the routes are measured; `file`: a new --db file (not with --only suite). */
  seed: { rows: number; megabytes: number; memory: SeedLoad; file?: SeedLoad };
  /** POST /_flagstand/environments with from_environment (the suite's parallel environments), over HTTP. */
  environmentCopyMs?: Stat;
  /** Hello-world runs, one before the first route and one after each. */
  hello: LoadResult[];
  routes: RouteResult[];
  rssMb: { idle: number; afterLoad: number; hello: number };
}

/** Over HTTP, each after a typical test's writes (13 requests), on a ~10k-row environment. */
export interface AdminResult {
  rows: number;
  reset: Stat;
  restore: Stat;
  /** POST /_flagstand/environments with from_environment, over HTTP (the first of 100 left out). */
  copy: Stat;
  /** The server's RSS growth for 100 such copies. */
  hundredCopiesMb: number;
}

export interface Report {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  settings: { durationSec: number; connections: number; startRuns: number; loadRuns: number; only: string };
  /** Not measured with --only suite. */
  starts?: { flagstand: Stat; hello: Stat };
  admin?: AdminResult;
  sizes: SizeReport[];
  /** Flag writes on each database setting (docs/reliability.md, "Durability"). */
  writes?: WriteResult[];
}

export const USER_ROUTE = 'GET /user_management/users/{id}/feature-flags';
export const USER_ROUTE_COLD = `${USER_ROUTE}, 60,000 users in turn (nothing kept)`;
export const SUITE_ROUTE = (environments: number) =>
  `suite workload, ${environments} environment${environments === 1 ? '' : 's'} (per test: 2 writes, 8 reads, 2 undone, 8 reads)`;
export const TOGGLE_WRITES = 'PUT /feature-flags/{slug}/enable and /disable alone, in turn';
export const TARGET_WRITES = 'POST and DELETE /feature-flags/{slug}/targets/{id} alone, in turn';
/** The read-only rows (every route measured by repeated GETs), which must stay ≥ 0.5 × hello-world. */
const READ_ROUTES = [USER_ROUTE, 'GET /organizations/{id}/feature-flags', 'GET /feature-flags'];
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const cpu = (r: LoadResult) => (r.cpuUsPerRequest === undefined ? '' : n0(r.cpuUsPerRequest));
const stat = (s: Stat, unit = 'ms') => `${ms(s.median)} ${unit} (min ${ms(s.min)}, max ${ms(s.max)}, ${s.runs} runs)`;

interface Check {
  target: string;
  measured: string;
  ok: boolean | undefined;
}

/** The performance targets, each with what this run measured (undefined: not measured this run). */
export function checks(report: Report): Check[] {
  const bySize = (size: SizeName) => report.sizes.find((s) => s.size === size);
  const userRoute = (size: SizeName) => bySize(size)?.routes.find((r) => r.route === USER_ROUTE);
  const out: Check[] = [];
  for (const size of ['small', 'large'] as const) {
    const r = userRoute(size);
    out.push({
      target: `user flags req/s ≥ 0.5 × hello-world (${size})`,
      measured: r ? `${r.ratio.toFixed(2)} × (${n0(r.rps)} vs ${n0(r.helloRps)} req/s)` : 'not run',
      ok: r && r.ratio >= 0.5,
    });
  }
  const small = userRoute('small');
  const large = userRoute('large');
  out.push({
    target: 'user flags p50 large ≤ 1.3 × p50 small',
    measured: small && large ? `${(large.p50 / small.p50).toFixed(2)} × (${ms(large.p50)} vs ${ms(small.p50)} ms)` : 'needs both sizes',
    ok: small && large ? large.p50 / small.p50 <= 1.3 : undefined,
  });
  const route = (size: SizeName, name: string) => bySize(size)?.routes.find((r) => r.route === name);
  const ratioCheck = (target: string, r: RouteResult | undefined, min: number): Check => ({
    target,
    measured: r ? `${r.ratio.toFixed(2)} × (${n0(r.rps)} vs ${n0(r.helloRps)} req/s; p50 ${ms(r.p50)} ms, ${cpu(r)} µs CPU)` : 'not run',
    ok: r && r.ratio >= min,
  });
  for (const size of ['small', 'large'] as const) {
    for (const envs of [1, 8]) {
      const min = envs === 1 ? 0.5 : 0.4;
      out.push(ratioCheck(`suite workload ≥ ${min} × hello-world, ${envs} environment${envs === 1 ? '' : 's'} (${size})`, route(size, SUITE_ROUTE(envs)), min));
    }
  }
  const suiteSmall = route('small', SUITE_ROUTE(1));
  const suiteLarge = route('large', SUITE_ROUTE(1));
  out.push({
    target: 'suite workload p50 large ≤ 1.3 × p50 small (1 environment)',
    measured: suiteSmall && suiteLarge ? `${(suiteLarge.p50 / suiteSmall.p50).toFixed(2)} × (${ms(suiteLarge.p50)} vs ${ms(suiteSmall.p50)} ms)` : 'needs both sizes',
    ok: suiteSmall && suiteLarge ? suiteLarge.p50 / suiteSmall.p50 <= 1.3 : undefined,
  });
  for (const size of ['small', 'large'] as const) {
    for (const name of [TOGGLE_WRITES, TARGET_WRITES]) out.push(ratioCheck(`${name} ≥ 0.3 × hello-world (${size})`, route(size, name), 0.3));
    const readRows = (bySize(size)?.routes ?? []).filter((r) => READ_ROUTES.includes(r.route));
    const worst = readRows.sort((a, b) => a.ratio - b.ratio)[0];
    out.push({
      target: `read-only rows (user, organization, flag lists) each ≥ 0.5 × hello-world (${size})`,
      measured: worst ? `lowest ${worst.ratio.toFixed(2)} × (${worst.route})` : 'not run',
      ok: worst && worst.ratio >= 0.5,
    });
  }
  const admin = report.admin;
  out.push({
    target: 'reset and restore < 10 ms (10k-row environment)',
    measured: admin ? `reset ${ms(admin.reset.median)} ms, restore ${ms(admin.restore.median)} ms (${n0(admin.rows)} rows, over HTTP)` : 'not run',
    ok: admin && admin.reset.median < 10 && admin.restore.median < 10,
  });
  out.push({
    target: 'new environment copied from a 10k-row one < 10 ms',
    measured: admin ? `${ms(admin.copy.median)} ms median (${n0(admin.rows)} rows, over HTTP); 100 copies: +${admin.hundredCopiesMb.toFixed(0)} MB RSS` : 'not run',
    ok: admin && admin.copy.median < 10,
  });
  const largeSeed = bySize('large')?.seed;
  for (const [where, load] of [['in memory, the default', largeSeed?.memory], ['into a new --db file', largeSeed?.file]] as const) {
    out.push({
      target: `seed load ≥ 200,000 rows/s (large seed ${where}, whole spawn-to-healthy)`,
      measured: largeSeed && load ? `${n0(load.rowsPerSec)} rows/s (${n0(largeSeed.rows)} rows in ${n0(load.startMs)} ms, median of ${runsOf(load)})` : 'not run',
      ok: load && load.rowsPerSec >= 200_000,
    });
  }
  const starts = report.starts;
  out.push({
    target: 'spawn-to-healthy < 500 ms',
    measured: starts ? `${ms(starts.flagstand.median)} ms median` : 'not run',
    ok: starts && starts.flagstand.median < 500,
  });
  const smallRss = bySize('small')?.rssMb;
  out.push({
    target: 'idle RSS < 120 MB (small)',
    measured: smallRss ? `${smallRss.idle.toFixed(1)} MB idle, ${smallRss.afterLoad.toFixed(1)} MB after load` : 'not run',
    ok: smallRss && smallRss.idle < 120 && smallRss.afterLoad < 120,
  });
  return out;
}

/** `3 runs: 6,012 / 5,871 / 6,430 ms`. */
const runsOf = (load: SeedLoad) => `${load.runs.length} runs: ${load.runs.map(n0).join(' / ')} ms`;

export function toMarkdown(report: Report): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`Run ${report.date} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGb.toFixed(0)} GB, Node ${m.node}; ` +
    `autocannon ${report.settings.connections} connections × ${report.settings.durationSec} s per route.`, '');
  lines.push('| size | route | req/s | hello-world req/s | × hello | p50 ms | p99 ms | bytes/response | server CPU µs/request |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.sizes) {
    const h = s.hello[0];
    lines.push(`| ${s.size} | hello-world (first run) | ${n0(h.rps)} | | 1.00 | ${ms(h.p50)} | ${ms(h.p99)} | ${n0(h.bytesPerResponse)} | ${cpu(h)} |`);
    for (const r of s.routes) {
      lines.push(`| ${s.size} | ${r.route} | ${n0(r.rps)} | ${n0(r.helloRps)} | ${r.ratio.toFixed(2)} | ${ms(r.p50)} | ${ms(r.p99)} | ${n0(r.bytesPerResponse)} | ${cpu(r)} |`);
    }
  }
  lines.push('', '| size | rows | seed file | database | spawn-to-healthy with seed (median; runs) | rows/s (whole) | rows/s (less empty start) | RSS idle | RSS after load | hello RSS |',
    '| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const s of report.sizes) {
    const row = (where: string, load: SeedLoad, rss: string) =>
      lines.push(`| ${s.size} | ${n0(s.seed.rows)} | ${s.seed.megabytes.toFixed(1)} MB | ${where} | ${n0(load.startMs)} ms; ${runsOf(load)} | ${n0(load.rowsPerSec)} | ` +
        `${n0(load.netRowsPerSec)} | ${rss}`);
    row('in memory (default)', s.seed.memory, `${s.rssMb.idle.toFixed(1)} MB | ${s.rssMb.afterLoad.toFixed(1)} MB | ${s.rssMb.hello.toFixed(1)} MB |`);
    if (s.seed.file) row('new --db file', s.seed.file, '| | |');
  }
  for (const s of report.sizes) {
    if (s.environmentCopyMs) lines.push('', `New environment copied from the ${s.size} one (${n0(s.seed.rows)} rows, over HTTP): ${stat(s.environmentCopyMs)}.`);
  }
  if (report.starts) lines.push('', `Spawn-to-healthy (empty, in memory): flagstand ${stat(report.starts.flagstand)}; hello-world ${stat(report.starts.hello)}.`);
  const a = report.admin;
  if (a) lines.push(`Reset (${n0(a.rows)}-row environment, over HTTP, after a typical test's writes): ${stat(a.reset)}; snapshot restore: ${stat(a.restore)}.`);
  if (a) lines.push('', `New environment copied from that ${n0(a.rows)}-row one (over HTTP, 99 copies): ${stat(a.copy)}; 100 copies add ${a.hundredCopiesMb.toFixed(0)} MB of RSS.`);
  if (report.writes?.length) {
    const normal = report.writes.find((w) => w.database.includes('normal'))?.rps;
    lines.push('', `Writes (PUT enable/disable, ${report.settings.connections} clients, one commit each):`, '',
      '| database | writes/s | × synchronous normal | p50 ms | p99 ms |', '| --- | ---: | ---: | ---: | ---: |');
    for (const w of report.writes) {
      lines.push(`| ${w.database} | ${n0(w.rps)} | ${normal ? (w.rps / normal).toFixed(2) : ''} | ${ms(w.p50)} | ${ms(w.p99)} |`);
    }
  }
  lines.push('', '| target | measured | met |', '| --- | --- | --- |');
  for (const c of checks(report)) lines.push(`| ${c.target} | ${c.measured} | ${c.ok === undefined ? '—' : c.ok ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** Writes latest.json and latest.md (latest-suite.… with --only suite) under `dir`; returns the markdown. */
export function writeReport(report: Report, dir: string): string {
  const markdown = toMarkdown(report);
  const name = report.settings.only === 'all' ? 'latest' : `latest-${report.settings.only}`;
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(dir, `${name}.md`), `# Latest benchmark results\n\n${markdown}\n`);
  return markdown;
}
