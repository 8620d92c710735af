import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['./test/flagstand.global.ts'], // one server for the whole run
    setupFiles: ['./test/flagstand.setup.ts'], // one environment per test file
  },
});
