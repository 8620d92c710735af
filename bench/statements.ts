/**
 * Where a workload's time goes inside the process, without the HTTP path: `npx tsx
 * bench/statements.ts [--size small|large] [--workload suite|toggle|target] [--requests N]`.
 * Seeds the data set in this process, sends the workload's requests one at a time through
 * `app.inject()` and times every SQL statement run (by its text) and every route (by its shape),
 * printing the totals per request. Inject adds its own overhead to each route's figure, so compare
 * routes and statements with each other, not with the HTTP rows of `npm run bench`; compare builds
 * only in alternating runs (on a shared machine one build's runs differ by 20–40%).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createFlagstand } from '../src/server.js';
import { generateSeed, SIZES, type SizeName } from './seed.js';
import { suiteRequests, writeRequests } from './suite.js';

const { values } = parseArgs({
  options: {
    size: { type: 'string', default: 'small' },
    workload: { type: 'string', default: 'suite' },
    requests: { type: 'string', default: '20000' },
  },
});

type Totals = Map<string, { calls: number; ns: number }>;
const add = (totals: Totals, key: string, ns: number) => {
  const entry = totals.get(key) ?? { calls: 0, ns: 0 };
  entry.calls++;
  entry.ns += ns;
  totals.set(key, entry);
};

// Every statement's run/get/all/iterate, timed while `timing` is on (better-sqlite3's Statement
// class is reached through a statement: the package does not export it).
const statements: Totals = new Map();
let timing = false;
const probe = new Database(':memory:');
const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
probe.close();
for (const method of ['run', 'get', 'all', 'iterate']) {
  const original = proto[method];
  proto[method] = function (this: { source: string }, ...args: unknown[]) {
    if (!timing) return original.apply(this, args);
    const start = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      add(statements, this.source.replace(/\s+/g, ' '), Number(process.hrtime.bigint() - start));
    }
  };
}

const size = values.size as SizeName;
const seed = generateSeed(SIZES[size], join(tmpdir(), `flagstand-statements-${size}.json`));
const f = await createFlagstand({ seed: seed.path, logLevel: 'silent' });
const workload = values.workload === 'suite' ? suiteRequests(seed, [seed.apiKey], 10) : writeRequests(seed, seed.apiKey, 10, values.workload as 'toggle' | 'target');
const requests = workload.flat();
const routes: Totals = new Map();
const shapeOf = (method: string, path: string) =>
  `${method} ${path.replace(/(user|org)_[0-9A-Z]+/g, ':id').replace(/feature-flags\/[a-z0-9-]+/, 'feature-flags/:slug')}`;
const send = async (count: number) => {
  for (let i = 0; i < count; i++) {
    const r = requests[i % requests.length];
    const start = process.hrtime.bigint();
    const res = await f.app.inject({ method: r.method as 'GET', url: r.path, headers: r.headers });
    if (timing) add(routes, shapeOf(r.method, r.path), Number(process.hrtime.bigint() - start));
    if (res.statusCode >= 300) throw new Error(`${r.method} ${r.path}: ${res.statusCode} ${res.body}`);
  }
};

await send(5_000); // warm-up: JIT, caches, each flag's first write
const n = Number(values.requests);
timing = true;
const start = process.hrtime.bigint();
await send(n);
timing = false;
const perRequest = (ns: number) => (ns / 1000 / n).toFixed(2).padStart(8);
const total = Number(process.hrtime.bigint() - start);
const sql = [...statements.values()].reduce((s, e) => s + e.ns, 0);
console.log(`${size}, ${values.workload}, ${n} requests: ${perRequest(total)} µs a request in process, of which SQL ${perRequest(sql)} µs\n`);
console.log('µs/request  share  µs each  route');
for (const [shape, e] of [...routes].sort((a, b) => b[1].ns - a[1].ns)) {
  console.log(`${perRequest(e.ns)}  ${(e.calls / n).toFixed(3)}  ${(e.ns / e.calls / 1000).toFixed(1).padStart(7)}  ${shape}`);
}
console.log('\nµs/request  calls/request  µs each  statement');
for (const [source, e] of [...statements].sort((a, b) => b[1].ns - a[1].ns).slice(0, 25)) {
  console.log(`${perRequest(e.ns)}  ${(e.calls / n).toFixed(2).padStart(13)}  ${(e.ns / e.calls / 1000).toFixed(2).padStart(7)}  ${source.slice(0, 150)}`);
}
await f.app.close();
