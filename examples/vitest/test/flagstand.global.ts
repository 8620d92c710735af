import type { TestProject } from 'vitest/node';
import { startFlagstand } from 'flagstand';

export default async function setup(project: TestProject) {
  const flagstand = await startFlagstand({ seed: './test/flags.yaml' }); // a free port
  project.provide('flagstand', { url: flagstand.url, apiKey: flagstand.apiKey });
  return () => flagstand.close();
}

declare module 'vitest' {
  export interface ProvidedContext {
    flagstand: { url: string; apiKey: string };
  }
}
