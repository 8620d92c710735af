module.exports = {
  testEnvironment: 'node',
  globalSetup: './test/flagstand.global-setup.mjs', // one server for the whole run
  globalTeardown: './test/flagstand.global-teardown.mjs',
  setupFilesAfterEnv: ['./test/flagstand.setup.js'], // one environment per test file
};
