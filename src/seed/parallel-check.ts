import { existsSync, statSync } from 'node:fs';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { SLOTS, type SeedCheckRequest, type SeedCheckVerdict, type SeedWorkerMessage } from './check-worker.js';
import { checkSeed, type SeedCheckInProgress } from './check.js';
import { SeedError } from './seed-error.js';

/**
 * Below this a seed is checked inline: starting a worker (~50 ms) would cost more than it saves.
 * A seed of this size is ~80,000 rows; the bench's large seed (61 MB) checks in ~1.4 s.
 */
export const PARALLEL_CHECK_MIN_BYTES = 4 * 1024 * 1024;
/** A verdict later than this means the worker is gone: the main thread then checks itself. */
const VERDICT_TIMEOUT_MS = 120_000;

// Next to this module: dist/seed/check-worker.js, or dist/check-worker.js beside the CLI bundle
// (scripts/bundle-cli.mjs). Absent when running from TypeScript sources: the checks run inline.
const WORKER_URL = new URL('./check-worker.js', import.meta.url);

/**
 * Starts checking a big seed file in a worker thread, so the main thread can read and insert it
 * at the same time (on two cores, the checks cost no wall time). `undefined` for a small file, or
 * where no worker script exists; the caller then checks inline. `verdict()` blocks (Atomics.wait)
 * so the load stays one synchronous transaction, and throws the same SeedError an inline check
 * would; should the worker fail, it checks `doc` inline instead. `sortedTargets()` (blocking too)
 * gives the flags' targets the worker sorted before checking, or undefined.
 */
export function startSeedCheck(
  path: string,
  defaultKeys: string[],
  readDoc: () => unknown,
  workerUrl: URL = WORKER_URL,
): SeedCheckInProgress | undefined {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return undefined;
  }
  if (size < PARALLEL_CHECK_MIN_BYTES || !existsSync(workerUrl)) return undefined;

  const signal = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const request: SeedCheckRequest = { path, defaultKeys, signal, port: port2 };
  const worker = new Worker(workerUrl, { workerData: request, transferList: [port2] });
  worker.unref();
  // The worker's own failure shows as a missing or `failed` verdict; keep it from crashing the process.
  worker.on('error', () => {});

  // Messages come in order (targets, then verdict); each is kept once read.
  const received: { targets?: string[][] | undefined; verdict?: SeedCheckVerdict } = {};
  const receive = (kind: SeedWorkerMessage['kind']): void => {
    if (kind in received) return;
    Atomics.wait(signal, SLOTS[kind], 0, VERDICT_TIMEOUT_MS);
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
      const message = m.message as SeedWorkerMessage;
      if (message.kind === 'targets') received.targets = message.lists;
      else received.verdict = message.verdict;
    }
  };
  let settled = false;
  const settle = (): SeedCheckVerdict => {
    receive('verdict');
    if (!settled) {
      settled = true;
      port1.close();
      void worker.terminate();
      // Inserted by now: a million ids need not outlive the load.
      received.targets = undefined;
    }
    return received.verdict ?? { failed: 'no verdict' };
  };
  return {
    sortedTargets() {
      if (!settled) receive('targets');
      return received.targets;
    },
    verdict() {
      const v = settle();
      if ('failed' in v) {
        checkSeed(readDoc(), defaultKeys);
        return;
      }
      if (!v.ok) throw new SeedError(v.message, v.field);
    },
    cancel() {
      port1.close();
      void worker.terminate();
    },
  };
}
