// The worker side of parallel-check.ts: reads and checks a seed file while the main thread loads
// the same file, then posts the verdict and wakes the main thread, which waits on `signal`.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { checkSeed, readSeedFile, SeedError } from './load.js';

export interface SeedCheckRequest {
  path: string;
  defaultKeys: string[];
  /** Int32Array over a SharedArrayBuffer: 0 while checking, 1 once the verdict is posted. */
  signal: Int32Array;
  port: MessagePort;
}

/** What the worker posts: nothing wrong, the seed's error, or an unexpected failure (the caller checks itself). */
export type SeedCheckVerdict = { ok: true } | { ok: false; message: string; field?: string } | { failed: string };

function check({ path, defaultKeys }: SeedCheckRequest): SeedCheckVerdict {
  try {
    checkSeed(readSeedFile(path), defaultKeys);
    return { ok: true };
  } catch (err) {
    if (err instanceof SeedError) return { ok: false, message: err.message, field: err.field };
    return { failed: String((err as Error)?.stack ?? err) };
  }
}

if (parentPort && workerData) {
  const request = workerData as SeedCheckRequest;
  request.port.postMessage(check(request));
  Atomics.store(request.signal, 0, 1);
  Atomics.notify(request.signal, 0);
}
