import type { SeedDocument } from './seed/schema.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `synchronous` of a file database: NORMAL survives a process crash, FULL a power loss too (docs/reliability.md). */
export const SYNCHRONOUS_MODES = ['normal', 'full'] as const;
export type SynchronousMode = (typeof SYNCHRONOUS_MODES)[number];

/** Everything a flagstand server can be started with, from the CLI or the programmatic API. */
export interface FlagstandOptions {
  port: number;
  host: string;
  /** ':memory:' (fresh at each start) or a file path (persistent, WAL). */
  db: string;
  /** A file database's SQLite `synchronous`: 'normal' survives a crash of the process, 'full' a power loss too. */
  synchronous: SynchronousMode;
  /** A path to a JSON/YAML seed file, or the parsed document itself. */
  seed?: string | SeedDocument;
  /** Secret keys for the default environment, added to any the seed declares. */
  apiKeys: string[];
  logLevel: LogLevel;
}

export const DEFAULT_OPTIONS: FlagstandOptions = {
  port: 4100,
  host: '127.0.0.1',
  db: ':memory:',
  synchronous: 'normal',
  apiKeys: [],
  logLevel: 'warn',
};

/** The key accepted when no key is configured anywhere (CLI, env, seed). */
export const FALLBACK_API_KEY = 'sk_test_default';

/** One table of env vars; the CLI reads them, the README documents them. */
export const ENV_VARS = {
  port: 'FLAGSTAND_PORT',
  host: 'FLAGSTAND_HOST',
  db: 'FLAGSTAND_DB',
  synchronous: 'FLAGSTAND_SYNCHRONOUS',
  seed: 'FLAGSTAND_SEED',
  apiKeys: 'FLAGSTAND_API_KEYS',
  logLevel: 'FLAGSTAND_LOG_LEVEL',
} as const;

/** flagstand's own routes (reset, snapshots, environments, flag management) live under this prefix;
 * WorkOS paths never start with an underscore, so no spec path can ever collide with it. */
export const ADMIN_PREFIX = '/_flagstand';
