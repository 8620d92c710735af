import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

export interface Spawned {
  child: ChildProcess;
  port: number;
  /** Milliseconds from spawn until GET /health answered 200. */
  startMs: number;
  output: () => string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Spawns `command args…` (which must listen on `port`) and polls GET /health every `pollMs`
 * until it answers 200: the start time an outside user waiting on /health sees.
 */
export async function spawnUntilHealthy(
  command: string,
  args: string[],
  port: number,
  options: { timeoutMs?: number; pollMs?: number; cwd?: string } = {},
): Promise<Spawned> {
  const { timeoutMs = 120_000, pollMs = 2 } = options;
  let output = '';
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const stop = async () => {
    if (!exited) child.kill('SIGTERM');
    await exit;
  };

  for (;;) {
    if (await healthy(port)) break;
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (exited || elapsed > timeoutMs) {
      await stop();
      throw new Error(`${command} ${args.join(' ')} did not become healthy (${exited ? 'exited' : 'timed out'}):\n${output}`);
    }
    await sleep(pollMs);
  }
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { child, port, startMs, output: () => output, stop };
}

/** Resident set size of a live process, in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
  return kb / 1024;
}

/** CPU time (user + system) a live process has used so far, in ms (Linux /proc; clock ticks are 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesized command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Sends a request (GET unless told) and returns its status, body size in bytes and body. */
export function fetchBody(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bytes: body.length, body: body.toString('utf8') });
      });
    });
    req.once('error', reject);
    req.end(body);
  });
}

export { sleep };
