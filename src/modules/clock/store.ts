import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';

/** The frozen time of each environment whose clock a test has moved (see migrations/0020). */
export function createClockStore(db: Db) {
  const get = db.prepare<[string], { now_ms: number }>("SELECT now_ms FROM environment_clocks WHERE environment_id = ? AND clock = 'environment'");
  const put = db.prepare<[string, number]>(
    "INSERT INTO environment_clocks (environment_id, clock, now_ms) VALUES (?, 'environment', ?) ON CONFLICT (environment_id, clock) DO UPDATE SET now_ms = excluded.now_ms",
  );
  // Read for every stamp a write makes (its rows, each event), so kept, null for "follows the
  // server's clock". environment_clocks has no change-feed rule: any write to it (a move, a reset,
  // a restore, a copy) drops every kept entry of its environment, this one included.
  const kept = createKeptMap<number | null>(db, { until: 'scopes', entries: 100_000 });
  return {
    /** The frozen time in ms, or undefined while the environment follows the server's clock. */
    frozenAt(environmentId: string): number | undefined {
      let ms = kept.get(environmentId);
      if (ms === undefined) {
        ms = get.get(environmentId)?.now_ms ?? null;
        kept.set(environmentId, environmentId, ms);
      }
      return ms ?? undefined;
    },
    freeze(environmentId: string, nowMs: number): void {
      put.run(environmentId, nowMs);
    },
  };
}

export type ClockStore = ReturnType<typeof createClockStore>;
