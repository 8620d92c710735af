// Runs in every test file. `flagstand/client` is the HTTP client alone: no server code, a few ms to import.
import { connectFlagstand, type FlagstandClient } from 'flagstand/client';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';

const server = connectFlagstand(inject('flagstand'));
let environmentId: string;

/** This test file's own environment: flagstand's admin API with its key. */
export let flagstand: FlagstandClient;

beforeAll(async () => {
  // A copy of the seeded default environment with its own key: files running in parallel never meet.
  const env = await server.createEnvironment({ fromEnvironment: 'default' });
  environmentId = env.id;
  flagstand = server.withApiKey(env.apiKey);
  process.env.WORKOS_API_KEY = env.apiKey; // what the code under test reads
});
beforeEach(() => flagstand.resetEnvironment()); // every test starts from the seed
afterAll(() => server.deleteEnvironment(environmentId));
