import type { FastifyInstance } from 'fastify';
import { fixedClock } from '../../src/clock.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import type { SeedDocument } from '../../src/seed/schema.js';

export const TEST_KEY = 'sk_test_flagstand';

export interface TestApp {
  app: FastifyInstance;
  flagstand: Flagstand;
  key: string;
  headers: { authorization: string };
  clock: ReturnType<typeof fixedClock>;
}

/** A fresh in-memory app per test: no shared database, nothing pre-seeded but what the test gives. */
export async function buildTestApp(options: { seed?: SeedDocument; clock?: string } = {}): Promise<TestApp> {
  const clock = fixedClock(options.clock ?? '2026-01-15T12:00:00.000Z');
  const seed = options.seed ?? {};
  const flagstand = await createFlagstand({
    seed: 'environments' in seed ? seed : { api_keys: [TEST_KEY], ...seed },
    clock: options.clock ? clock : undefined,
    logLevel: 'silent',
  });
  const key = flagstand.apiKey;
  return { app: flagstand.app, flagstand, key, headers: { authorization: `Bearer ${key}` }, clock };
}
