import type { ExpiryStore } from './store.js';

/** How often environments that follow the real clock are checked: expiry fires within this. */
const TICK_MS = 200;

export interface ExpirySweeper {
  /** Removes the environment's targets whose time has come on its clock; how many. */
  sweep(environmentId: string): number;
  stop(): void;
}

/**
 * Removes expired user targets exactly as the WorkOS DELETE does (`removeTarget`, one transaction
 * per sweep), so every route sees them go at once. Runs when a test moves an environment's clock
 * (before that move answers), after a schedule is written, and every TICK_MS on the real clock.
 */
export function createExpirySweeper(deps: {
  store: ExpiryStore;
  transaction: <T>(fn: () => T) => T;
  removeTarget(environmentId: string, slug: string, userId: string): void;
  now(environmentId: string): string;
  environmentIds(): string[];
  /** Clock moves of an environment, if the clock tells of them. */
  onClockChange?: (listener: (environmentId: string) => void) => () => void;
  onError(err: unknown): void;
}): ExpirySweeper {
  const sweepNow = (environmentId: string): number => {
    const now = deps.now(environmentId);
    const earliest = deps.store.earliest(environmentId);
    if (earliest === null || earliest > now) return 0;
    return deps.transaction(() => {
      const due = deps.store.due(environmentId, now);
      for (const target of due) deps.removeTarget(environmentId, target.slug, target.user_id);
      return due.length;
    });
  };
  // A sweep runs after the write or clock move that caused it has committed: a failure is logged,
  // never turned into that request's error.
  const sweep = (environmentId: string): number => {
    try {
      return sweepNow(environmentId);
    } catch (err) {
      deps.onError(err);
      return 0;
    }
  };
  const sweepAll = () => {
    try {
      for (const id of deps.environmentIds()) sweep(id);
    } catch (err) {
      deps.onError(err);
    }
  };

  const timer = setInterval(sweepAll, TICK_MS);
  timer.unref();
  const unsubscribe = deps.onClockChange?.((environmentId) => sweep(environmentId));

  return {
    sweep,
    stop() {
      clearInterval(timer);
      unsubscribe?.();
    },
  };
}
