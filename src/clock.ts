/** The app's only source of time, so tests can pin it. Always ISO 8601 with milliseconds and Z. */
export interface Clock {
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };

export function fixedClock(iso: string): Clock & { set(iso: string): void } {
  let current = iso;
  return { now: () => current, set: (next) => (current = next) };
}
