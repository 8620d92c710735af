import { afterEach, describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_MS } from '../../src/http/limits.js';
import { killRounds, sigtermWithClients, twoServersOneFlag, workspace, type Workspace } from './scenarios.js';

// The short run of the crash scenarios (test/crash/scenarios.ts) against real server processes on
// a --db file; `npm run crash` runs many more kill -9 rounds.

let ws: Workspace | undefined;
afterEach(() => ws?.dispose());

describe('a --db file under crashes, shared servers and shutdown', () => {
  it('kill -9 during concurrent writes: every acknowledged write survives, cascades are whole, retries succeed, integrity ok', async () => {
    ws = workspace();
    const rounds = await killRounds(ws, 1, 20260115);
    for (const round of rounds) expect(round.result.problems).toEqual([]);
    expect(rounds.reduce((n, r) => n + r.result.acknowledged, 0)).toBeGreaterThan(0);
  }, 120_000);

  it('two servers on one file, 50 concurrent writers on one flag: no 5xx, the final targets equal the model', async () => {
    ws = workspace();
    const r = await twoServersOneFlag(ws);
    expect(r.status5xx).toEqual([]);
    expect(r.actualTargets).toEqual(r.expectedTargets);
    expect(r.acknowledgedCreates).toBe(50);
    expect(r.missingCreates).toEqual([]);
  }, 120_000);

  it('SIGTERM with busy, idle and stalled clients: exits 0 within the grace period, no acknowledged write lost', async () => {
    ws = workspace();
    const r = await sigtermWithClients(ws);
    expect(r.code).toBe(0);
    expect(r.exitMs).toBeLessThan(SHUTDOWN_GRACE_MS + 2_000);
    expect(r.acknowledged).toBeGreaterThan(0);
    expect(r.lost).toEqual([]);
    expect(r.status5xx).toEqual([]);
  }, 120_000);
});
