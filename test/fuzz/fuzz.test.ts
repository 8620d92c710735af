import { describe, expect, it } from 'vitest';
import { runFuzz } from './fixture.js';

// The short run of the seeded fuzzer (test/fuzz/harness.ts); `npm run fuzz` runs the long one.
// A failure lists the request; the same seed and run count replay it exactly.

const SEED = 20260115;
const RUNS = 800;

describe('seeded fuzz over every route of openapi/flagstand.json', () => {
  it(`${RUNS} requests (seed ${SEED}): no 5xx, every answer JSON with a message, no hang, the other environment untouched`, async () => {
    const run = await runFuzz(SEED, RUNS);
    expect(run.failures).toEqual([]);
    expect(run.bystanderChanged).toBe(false);
    expect(run.integrity).toBe('ok');
    expect(run.foreignKeyProblems).toBe(0);
    expect(run.healthy).toBe(true);
    // The run reached past authentication and validation, into the handlers.
    expect(Object.keys(run.statuses).map(Number).filter((s) => s < 300).length).toBeGreaterThan(0);
  }, 120_000);
});
