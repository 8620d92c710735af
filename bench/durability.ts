import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spawned } from './processes.js';

/** Writes per second and latency of one database setting, over HTTP. */
export interface WriteResult {
  database: string;
  rps: number;
  p50: number;
  p99: number;
}

const KEY = 'sk_test_durability';
const FLAGS = 20;

/**
 * The cost of the durability setting of a --db file: `connections` clients each enabling and
 * disabling flags (one write transaction, one commit each) for `durationSec`, on the default
 * in-memory database, a file with synchronous=NORMAL (the default) and one with FULL.
 * `start` spawns the built CLI with the given arguments and waits for /health.
 */
export async function measureWriteDurability(
  start: (args: string[]) => Promise<Spawned>,
  options: { connections: number; durationSec: number },
): Promise<WriteResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flagstand-durability-'));
  const seed = join(dir, 'seed.json');
  writeFileSync(seed, JSON.stringify({ api_keys: [KEY], feature_flags: Array.from({ length: FLAGS }, (_, i) => ({ slug: `flag-${i}` })) }));
  const settings: [string, string[]][] = [
    ['in memory (default)', []],
    ['--db file, --synchronous normal (default)', ['--db', join(dir, 'normal.db')]],
    ['--db file, --synchronous full', ['--db', join(dir, 'full.db'), '--synchronous', 'full']],
  ];
  const out: WriteResult[] = [];
  try {
    for (const [database, args] of settings) {
      const server = await start([...args, '--seed', seed]);
      try {
        out.push({ database, ...(await writeLoad(server.port, options.connections, options.durationSec)) });
      } finally {
        await server.stop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

async function writeLoad(port: number, connections: number, durationSec: number): Promise<Omit<WriteResult, 'database'>> {
  const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
  const latencies: number[] = [];
  const until = Date.now() + durationSec * 1000;
  const warmUntil = Date.now() + 500;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let i = 0; Date.now() < until; i++) {
        const path = `/feature-flags/flag-${(c + i) % FLAGS}/${i % 2 ? 'disable' : 'enable'}`;
        const started = performance.now();
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'PUT', headers, body: '' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status}`);
        if (Date.now() > warmUntil) latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rps: latencies.length / (durationSec - 0.5), p50: at(0.5), p99: at(0.99) };
}
