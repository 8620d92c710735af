// Runs in every test file (CommonJS, as Jest runs by default). `flagstand/client` is the HTTP client alone.
const { connectFlagstand } = require('flagstand/client');

const server = connectFlagstand({ url: process.env.FLAGSTAND_URL, apiKey: process.env.FLAGSTAND_API_KEY });
let environmentId;

beforeAll(async () => {
  // A copy of the seeded default environment with its own key: files running in parallel never meet.
  const env = await server.createEnvironment({ fromEnvironment: 'default' });
  environmentId = env.id;
  global.flagstand = server.withApiKey(env.apiKey); // this file's environment; flagstand.sdkOptions for the SDK
  process.env.WORKOS_API_KEY = env.apiKey; // what the code under test reads
});
beforeEach(() => global.flagstand.resetEnvironment()); // every test starts from the seed
afterAll(() => server.deleteEnvironment(environmentId));
