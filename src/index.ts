// The package entry: the programmatic API for test runners.
export { createFlagstand, startServer, type Flagstand, type RunningFlagstand, type CreateOptions } from './server.js';
export { buildApp } from './app.js';
export type { FlagstandOptions } from './config.js';
export type { SeedDocument, SeedEnvironment } from './seed/schema.js';
