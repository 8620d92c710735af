// The worker side of parallel-check.ts: reads a seed file while the main thread loads the same
// file, posts every flag's targets sorted (so the main thread need not sort a million ids), then
// checks the seed and posts the verdict. Each post is followed by a wake-up of the main thread,
// which waits on `signal` (see SLOTS).
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { checkSeed } from './check.js';
import { sortedTargetLists } from './insert.js';
import { readSeedFile } from './read.js';
import { SeedError } from './seed-error.js';

export interface SeedCheckRequest {
  path: string;
  defaultKeys: string[];
  /** Int32Array(2) over a SharedArrayBuffer: a slot turns 1 once its message is posted. */
  signal: Int32Array;
  port: MessagePort;
}

/** The `signal` slot each message kind turns to 1 once posted. */
export const SLOTS = { targets: 0, verdict: 1 } as const;

/** What the worker posts: nothing wrong, the seed's error, or an unexpected failure (the caller checks itself). */
export type SeedCheckVerdict = { ok: true } | { ok: false; message: string; field?: string } | { failed: string };

/** The worker's messages, in the order it posts them. */
export type SeedWorkerMessage = { kind: 'targets'; lists: string[][] | undefined } | { kind: 'verdict'; verdict: SeedCheckVerdict };

function post({ port, signal }: SeedCheckRequest, message: SeedWorkerMessage): void {
  port.postMessage(message);
  Atomics.store(signal, SLOTS[message.kind], 1);
  Atomics.notify(signal, SLOTS[message.kind]);
}

function run(request: SeedCheckRequest): void {
  let targetsPosted = false;
  const verdict = ((): SeedCheckVerdict => {
    try {
      const doc = readSeedFile(request.path);
      let lists: string[][] | undefined;
      try {
        lists = sortedTargetLists(doc);
      } catch {
        lists = undefined; // not shaped like a seed: the main thread sorts, the checks say why
      }
      post(request, { kind: 'targets', lists });
      targetsPosted = true;
      checkSeed(doc, request.defaultKeys);
      return { ok: true };
    } catch (err) {
      if (err instanceof SeedError) return { ok: false, message: err.message, field: err.field };
      return { failed: String((err as Error)?.stack ?? err) };
    }
  })();
  if (!targetsPosted) post(request, { kind: 'targets', lists: undefined });
  post(request, { kind: 'verdict', verdict });
}

if (parentPort && workerData) run(workerData as SeedCheckRequest);
