/**
 * Writes with webhook endpoints: `npm run bench:events [-- --duration S --connections N --rounds R]`. A built
 * server (dist/cli.js) seeded with 200 disabled flags; every connection toggles its own flags
 * (PUT /feature-flags/{slug}/enable then …/disable, flags disjoint per connection), first on a
 * server with no webhook endpoints, then on a fresh one with two enabled endpoints subscribed to
 * flag.updated, both pointing at a loopback receiver in this process that answers 200. The two
 * alternate for R rounds (default 2), so load from elsewhere on the machine falls on both alike.
 * Goal: throughput with endpoints within 10% of without (deliveries are sent off the request path).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runLoad, type LoadResult } from './load.js';
import { fetchBody, freePort, sleep, spawnUntilHealthy } from './processes.js';
import type { WorkloadRequest } from './suite.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: { duration: { type: 'string', default: '8' }, connections: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } },
});
const rounds = Number(values.rounds);
const durationSec = Number(values.duration);
const connections = Number(values.connections);

const KEY = 'sk_test_bench_events';
const FLAGS = 200;
const slug = (i: number) => `flag-${String(i).padStart(3, '0')}`;
const headers = { authorization: `Bearer ${KEY}` };

/** Connection c toggles flags c, c + N, c + 2N, …: each enabled then disabled, so the list cycles and every write changes a row. */
function toggles(): WorkloadRequest[][] {
  return Array.from({ length: connections }, (_, c) => {
    const list: WorkloadRequest[] = [];
    for (let i = c; i < FLAGS; i += connections) {
      list.push({ method: 'PUT', path: `/feature-flags/${slug(i)}/enable`, headers }, { method: 'PUT', path: `/feature-flags/${slug(i)}/disable`, headers });
    }
    return list;
  });
}

/** A receiver answering every POST 200 (after reading its body), counting what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, url: `http://127.0.0.1:${port}`, received: () => received };
}

async function run(seedPath: string, endpointUrls: string[]) {
  const port = await freePort();
  const server = await spawnUntilHealthy(process.execPath, [join(ROOT, 'dist/cli.js'), '--port', String(port), '--log-level', 'silent', '--seed', seedPath], port);
  try {
    for (const url of endpointUrls) {
      const res = await fetchBody(port, '/webhook_endpoints', { ...headers, 'content-type': 'application/json' }, 'POST', JSON.stringify({ endpoint_url: url, events: ['flag.updated'] }));
      if (res.status !== 201) throw new Error(`creating an endpoint: ${res.status} ${res.body}`);
    }
    const result = await runLoad({ port, perConnection: toggles(), connections, durationSec, serverPid: server.child.pid });
    return result;
  } finally {
    await server.stop();
  }
}

async function main() {
  const dir = join(tmpdir(), `flagstand-bench-events-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const seedPath = join(dir, 'seed.json');
  writeFileSync(seedPath, JSON.stringify({ api_keys: [KEY], feature_flags: Array.from({ length: FLAGS }, (_, i) => ({ slug: slug(i), enabled: false })) }));
  const receiver = await startReceiver();
  try {
    const without: LoadResult[] = [];
    const withEndpoints: LoadResult[] = [];
    const delivered: number[] = [];
    for (let r = 0; r < rounds; r++) {
      without.push(await run(seedPath, []));
      const before = receiver.received();
      withEndpoints.push(await run(seedPath, [`${receiver.url}/a`, `${receiver.url}/b`]));
      await sleep(100);
      delivered.push(receiver.received() - before); // while the load ran (the server is stopped after it)
    }
    const mean = (rs: LoadResult[], f: (r: LoadResult) => number) => rs.reduce((sum, r) => sum + f(r), 0) / rs.length;
    const line = (name: string, r: LoadResult) =>
      `| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.cpuUsPerRequest?.toFixed(0) ?? '-'} | ${r.non2xx} |`;
    const rows: string[] = [];
    for (let r = 0; r < rounds; r++) {
      rows.push(line(`${r + 1}: no webhook endpoints`, without[r]), line(`${r + 1}: two endpoints subscribed to flag.updated`, withEndpoints[r]));
    }
    console.log(
      [
        `${connections} connections, ${durationSec} s a run (after a 1 s warm-up), PUT …/enable and …/disable in turn on ${FLAGS} flags, ${rounds} rounds`,
        '',
        '| round: server | rps | p50 ms | p99 ms | server CPU µs/req | non-2xx |',
        '|---|---|---|---|---|---|',
        ...rows,
      ].join('\n'),
    );
    const ratio = mean(withEndpoints, (r) => r.rps) / mean(without, (r) => r.rps);
    const cpu = mean(withEndpoints, (r) => r.cpuUsPerRequest ?? NaN) / mean(without, (r) => r.cpuUsPerRequest ?? NaN);
    console.log(`\ndeliveries received while the load ran: ${delivered.join(', ')} (each run wrote ${withEndpoints.map((r) => 2 * r.requests).join(', ')} beside its warm-up's)`);
    console.log(`server CPU per request, with / without = ${cpu.toFixed(2)}`);
    console.log(`rps with / without (means) = ${ratio.toFixed(2)} (goal ≥ 0.90: ${ratio >= 0.9 ? 'met' : 'missed'})`);
  } finally {
    receiver.server.closeAllConnections();
    receiver.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
