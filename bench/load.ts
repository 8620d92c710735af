import autocannon from 'autocannon';
import { cpuMs } from './processes.js';

export interface LoadOptions {
  port: number;
  /** Request paths, cycled through by every connection (pre-built, so each costs the client the same). */
  paths: string[];
  /** POST requests instead (path and JSON body each), cycled the same way. */
  posts?: { path: string; body: string }[];
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  /** The server's pid, to report the CPU time it spent per request. */
  serverPid?: number;
}

export interface LoadResult {
  requests: number;
  rps: number;
  /** Milliseconds, from each response's own timing (autocannon's histogram rounds to whole ms). */
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
  /** Server CPU time (user + system) per response, in µs; robust to other load on the machine. */
  cpuUsPerRequest?: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs autocannon against 127.0.0.1:port and summarizes it. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  // Without a callback autocannon returns an event emitter that is also a promise (the types know only the latter).
  const instance = autocannon(<autocannon.Options>{
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.durationSec,
    headers: options.headers,
    requests: options.posts
      ? options.posts.map(({ path, body }) => ({ method: 'POST', path, body, headers: { ...options.headers, 'content-type': 'application/json' } }))
      : options.paths.map((path) => ({ method: 'GET', path })),
    warmup: { connections: options.connections, duration: 1 },
  }) as unknown as Promise<autocannon.Result> & NodeJS.EventEmitter;
  const pid = options.serverPid;
  let cpuAtStart = 0;
  // 'start' fires when the measured run begins, after the warm-up.
  instance.on('start', () => (cpuAtStart = pid === undefined ? 0 : cpuMs(pid)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode < 200 || statusCode >= 300) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const result = await instance;
  const cpuUsed = pid === undefined ? undefined : cpuMs(pid) - cpuAtStart;
  const sorted = latencies.subarray(0, count).sort();
  const total = result.requests.total;
  return {
    requests: total,
    rps: total / result.duration,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    non2xx: result.non2xx,
    errors: result.errors,
    bytesPerResponse: total > 0 ? result.throughput.total / total : 0,
    cpuUsPerRequest: cpuUsed === undefined || total === 0 ? undefined : (cpuUsed * 1000) / total,
  };
}
