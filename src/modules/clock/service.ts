import { systemClock, type Clock } from '../../clock.js';
import type { Db } from '../../db/open.js';
import { invalidParameters } from '../../http/errors.js';
import { createClockStore } from './store.js';

/** Called after an environment's clock was set or advanced, with its new time. */
export type ClockListener = (environmentId: string, now: string) => void;

/**
 * Each environment's time: what every write stamps (created_at, updated_at, events, signatures,
 * retry schedules, expiry). An environment follows the server's clock until a test sets or
 * advances its own; from then on its time stands still and moves only when told, so a test sees
 * exact times. `environmentId` is the internal id (request.environmentId, rows' environment_id).
 */
export interface EnvironmentClock {
  /** ISO 8601 with milliseconds and Z. */
  now(environmentId: string): string;
  nowMs(environmentId: string): number;
  /** Sets the environment's time (ISO 8601) and returns it as ISO with milliseconds. */
  set(environmentId: string, iso: string): string;
  /** Moves the environment's time by `ms` (may be negative) and returns it. */
  advance(environmentId: string, ms: number): string;
  /** `listener` runs after every set/advance, outside any transaction; returns the unsubscribe. */
  onChange(listener: ClockListener): () => void;
}

const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** What a service stamps its writes with: `clock.now(environmentId)`. */
export type EnvironmentTime = Pick<EnvironmentClock, 'now'>;

export function createEnvironmentClock(db: Db, base: Clock): EnvironmentClock {
  const store = createClockStore(db);
  const listeners = new Set<ClockListener>();
  // The server's clock without its ISO round trip (what Date.parse of systemClock.now() gives).
  const baseMs = base === systemClock ? Date.now : () => Date.parse(base.now());
  const nowMs = (environmentId: string) => store.frozenAt(environmentId) ?? baseMs();
  const freeze = (environmentId: string, ms: number): string => {
    // Four-digit years only: past 9999 an ISO string is no longer what clients parse.
    if (!(ms >= 0 && ms <= LAST_MS)) {
      throw invalidParameters([{ field: 'now', code: 'now_out_of_range', message: 'must fall between years 1970 and 9999' }], 422);
    }
    store.freeze(environmentId, ms);
    const now = new Date(ms).toISOString();
    for (const listener of listeners) listener(environmentId, now);
    return now;
  };
  return {
    now: (environmentId) => new Date(nowMs(environmentId)).toISOString(),
    nowMs,
    set: (environmentId, iso) => freeze(environmentId, Date.parse(iso)),
    advance: (environmentId, ms) => freeze(environmentId, nowMs(environmentId) + ms),
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
