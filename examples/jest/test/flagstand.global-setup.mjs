// Runs once, in Jest's main process; the workers it starts inherit process.env.
import { startFlagstand } from 'flagstand';

export default async function globalSetup() {
  const flagstand = await startFlagstand({ seed: './test/flags.yaml' }); // a free port
  globalThis.__FLAGSTAND__ = flagstand; // for the teardown, which runs in this same process
  process.env.FLAGSTAND_URL = flagstand.url;
  process.env.FLAGSTAND_API_KEY = flagstand.apiKey;
}
