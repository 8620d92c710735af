import type { Db } from '../../db/open.js';

/** The frozen time of each environment whose clock a test has moved (see migrations/0020). */
export function createClockStore(db: Db) {
  const get = db.prepare<[string], { now_ms: number }>("SELECT now_ms FROM environment_clocks WHERE environment_id = ? AND clock = 'environment'");
  const put = db.prepare<[string, number]>(
    "INSERT INTO environment_clocks (environment_id, clock, now_ms) VALUES (?, 'environment', ?) ON CONFLICT (environment_id, clock) DO UPDATE SET now_ms = excluded.now_ms",
  );
  return {
    /** The frozen time in ms, or undefined while the environment follows the server's clock. */
    frozenAt: (environmentId: string): number | undefined => get.get(environmentId)?.now_ms,
    freeze(environmentId: string, nowMs: number): void {
      put.run(environmentId, nowMs);
    },
  };
}

export type ClockStore = ReturnType<typeof createClockStore>;
