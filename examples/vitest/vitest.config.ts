import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { globalSetup: ['./test/flagstand.global.ts'], setupFiles: ['./test/flagstand.setup.ts'] },
});
