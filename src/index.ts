// The package entry: the programmatic API for test runners.
import type { FastifyInstance } from 'fastify';
import type { Clock } from './clock.js';
import type { LogLevel } from './config.js';
import {
  newEnvironmentBody,
  sdkOptionsFor,
  toEnvironment,
  toSnapshot,
  type CreateEnvironmentOptions,
  type FlagstandEnvironment,
  type FlagstandSnapshot,
  type SdkOptions,
} from './api-types.js';
import type { SeedDocument } from './seed/schema.js';
import { SHUTDOWN_GRACE_MS } from './http/limits.js';
import { closeWithin, createFlagstand, startServer, type Flagstand } from './server.js';

export { ADMIN_PREFIX, type LogLevel } from './config.js';
export { fixedClock, systemClock, type Clock } from './clock.js';
export { ApiError } from './http/errors.js';
export type { SeedDocument, SeedEnvironment } from './seed/schema.js';
export type { CreateEnvironmentOptions, FlagstandEnvironment, FlagstandSnapshot, SdkOptions } from './api-types.js';
export { connectFlagstand, type FlagstandClient } from './client.js';
export type { FlagChanges, NewFlag } from './modules/feature-flags/input.js';

export interface StartFlagstandOptions {
  /** A JSON/YAML seed file path, or the seed document itself. Default: one empty environment. */
  seed?: string | SeedDocument;
  /** Port to listen on (startFlagstand only). Default 0: a free port, read it from `port`/`url`. */
  port?: number;
  /** Interface to bind (startFlagstand only). Default 127.0.0.1. */
  host?: string;
  /** SQLite file to persist to. Default: in memory, fresh each time. */
  db?: string;
  /** Extra secret keys for the default (first) environment. */
  apiKeys?: string[];
  /** Default 'warn'. */
  logLevel?: LogLevel;
  /** Pins time in tests, e.g. fixedClock('2026-01-15T12:00:00.000Z'). */
  clock?: Clock;
}

/** Everything a test needs to drive one flagstand: environments, reset, snapshots. */
export interface FlagstandControls {
  /** A secret key of the default (first) environment. */
  apiKey: string;
  /** The environments loaded at start-up; the first is the default one. */
  environments: FlagstandEnvironment[];
  /** Every environment as it stands now, including those created since start-up. */
  listEnvironments(): Promise<FlagstandEnvironment[]>;
  /** Puts the whole server back to its start-up state: seeds reloaded, environments created since deleted. */
  reset(): Promise<void>;
  /** Puts one environment (id or name) back to its state after start-up or creation. */
  resetEnvironment(environment: string): Promise<void>;
  /** Remembers an environment's current state; default: the default environment. */
  snapshot(environment?: string): Promise<FlagstandSnapshot>;
  /** Puts the snapshot's environment back to the snapshot. The snapshot stays usable. */
  restore(snapshot: FlagstandSnapshot | string): Promise<void>;
  deleteSnapshot(snapshot: FlagstandSnapshot | string): Promise<void>;
  /** A new isolated environment with its own key: one per parallel worker. */
  createEnvironment(options?: CreateEnvironmentOptions): Promise<FlagstandEnvironment & { apiKey: string }>;
  /** Deletes an environment created since start-up (start-up ones can only be reset). */
  deleteEnvironment(environment: string): Promise<void>;
  /** An environment's time, ISO 8601 with ms (default: the default environment). */
  getClock(environment?: string): Promise<string>;
  /** Sets an environment's time; it then stands still until moved again. Resolves to the new time. */
  setClock(now: string | Date, environment?: string): Promise<string>;
  /** Moves an environment's time by `ms` (negative: back); it then stands still. Resolves to the new time. */
  advanceClock(ms: number, environment?: string): Promise<string>;
  close(): Promise<void>;
}

/** A flagstand that does not listen: drive it with `app.inject()`. */
export interface FlagstandApp extends FlagstandControls {
  app: FastifyInstance;
  /** `{ authorization: 'Bearer <apiKey>' }` for inject calls to the default environment. */
  headers: { authorization: string };
}

/** A flagstand listening on a port. */
export interface RunningFlagstand extends FlagstandControls {
  /** e.g. http://127.0.0.1:53412 */
  url: string;
  port: number;
  /** `new WorkOS(apiKey, sdkOptions)` reaches this server. */
  sdkOptions: SdkOptions;
}

function controls(flagstand: Flagstand): FlagstandControls {
  const { admin, app, clock } = flagstand;
  const environments = flagstand.environments.map((env) => toEnvironment(admin.resolve(env.publicId)));
  const idOf = (environment: string) => admin.resolve(environment).id;
  const snapshotOf = (snapshot: FlagstandSnapshot | string) => admin.getSnapshot(typeof snapshot === 'string' ? snapshot : snapshot.id);
  // Synchronous inside (one SQLite connection); async outside, so callers never depend on that.
  return {
    apiKey: flagstand.apiKey,
    environments,
    listEnvironments: async () => admin.list().map(toEnvironment),
    reset: async () => void admin.resetAll(),
    resetEnvironment: async (environment) => void admin.reset(idOf(environment)),
    snapshot: async (environment = environments[0].id) => toSnapshot(admin.snapshot(idOf(environment))),
    restore: async (snapshot) => {
      const found = snapshotOf(snapshot);
      admin.restore(found.environment_id, found.id);
    },
    deleteSnapshot: async (snapshot) => {
      const found = snapshotOf(snapshot);
      admin.deleteSnapshot(found.environment_id, found.id);
    },
    createEnvironment: async (options = {}) =>
      toEnvironment(admin.create(newEnvironmentBody(options))) as FlagstandEnvironment & { apiKey: string },
    deleteEnvironment: async (environment) => admin.delete(idOf(environment)),
    getClock: async (environment = environments[0].id) => clock.now(admin.resolveId(environment)),
    setClock: async (now, environment = environments[0].id) =>
      clock.set(admin.resolveId(environment), typeof now === 'string' ? now : now.toISOString()),
    advanceClock: async (ms, environment = environments[0].id) => clock.advance(admin.resolveId(environment), ms),
    // Bounded: a client stalled mid-request cannot keep close() waiting (docs/reliability.md).
    close: () => closeWithin(app, SHUTDOWN_GRACE_MS),
  };
}

/** Builds a flagstand on a fresh database without listening: for `app.inject()` tests. */
export async function createFlagstandApp(options: Omit<StartFlagstandOptions, 'port' | 'host'> = {}): Promise<FlagstandApp> {
  const flagstand = await createFlagstand(options);
  return { ...controls(flagstand), app: flagstand.app, headers: { authorization: `Bearer ${flagstand.apiKey}` } };
}

/** Starts a flagstand on a free port (by default) and returns its URL, key and controls. */
export async function startFlagstand(options: StartFlagstandOptions = {}): Promise<RunningFlagstand> {
  const running = await startServer({ ...options, port: options.port ?? 0 });
  return { ...controls(running), url: running.url, port: running.port, sdkOptions: sdkOptionsFor(running.url) };
}
