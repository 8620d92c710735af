import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.js';
import { systemClock, type Clock } from './clock.js';
import { DEFAULT_OPTIONS, FALLBACK_API_KEY, type FlagstandOptions } from './config.js';
import { collectGarbage } from './collect-garbage.js';
import { SHUTDOWN_GRACE_MS } from './http/limits.js';
import { BULK_LOAD_MIN_ROWS } from './db/bulk-load.js';
import { migrate } from './db/migrate.js';
import { openDatabase, type Db } from './db/open.js';
import { createSnapshots } from './db/snapshots.js';
import { createEnvironmentClock, type EnvironmentClock } from './modules/clock/service.js';
import { createAdminService, type AdminService } from './modules/admin/service.js';
import { loadSeed, type LoadedEnvironment } from './seed/load.js';
import { readSeedFile } from './seed/read.js';
import { startSeedCheck } from './seed/parallel-check.js';
import { createStores, type Stores } from './stores.js';

export interface Flagstand {
  app: FastifyInstance;
  db: Db;
  stores: Stores;
  /** Environments, reset and snapshots: what the admin routes and the programmatic API call. */
  admin: AdminService;
  /** Each environment's time (set and advanced by tests; see modules/clock). */
  clock: EnvironmentClock;
  /** Environments as they stand after start-up, the first being the default one. */
  environments: LoadedEnvironment[];
  /** A key of the default environment. */
  apiKey: string;
  /** True when no key was configured and sk_test_default is accepted. */
  usingFallbackKey: boolean;
  /** Set when a file database already held data, so the seed was not loaded again. */
  seedSkipped: boolean;
}

export type CreateOptions = Partial<Omit<FlagstandOptions, 'port' | 'host'>> & { clock?: Clock };

/** Opens and migrates the database, loads the seed (or creates the default environment), builds the app. */
export async function createFlagstand(options: CreateOptions = {}): Promise<Flagstand> {
  const clock = options.clock ?? systemClock;
  const db = openDatabase(options.db ?? DEFAULT_OPTIONS.db, { synchronous: options.synchronous });
  try {
    migrate(db);
    const stores = createStores(db);
    // Requests a crash cut short left their Idempotency-Keys claimed: free them for the retries.
    stores.idempotency.releaseOrphans();
    const cliKeys = options.apiKeys ?? [];
    let seedSkipped = false;
    let usingFallbackKey = false;

    if (stores.environments.count() === 0) {
      const seed = options.seed;
      let doc: unknown;
      // A big seed file is checked in a worker thread while this thread reads and inserts it.
      const check = typeof seed === 'string' ? startSeedCheck(seed, cliKeys, () => doc) : undefined;
      try {
        doc = seed === undefined ? {} : typeof seed === 'string' ? readSeedFile(seed) : seed;
      } catch (err) {
        check?.cancel();
        throw err;
      }
      const { environments, rows } = loadSeed(db, stores, doc, clock, cliKeys, check);
      // The worker's handle outlives the load a little; it must not keep the parsed seed alive.
      doc = undefined;
      if (rows >= BULK_LOAD_MIN_ROWS) collectGarbage();
      if (environments.every((env) => env.keys.length === 0)) {
        stores.environments.addKey(environments[0].id, FALLBACK_API_KEY);
        usingFallbackKey = true;
      }
    } else {
      seedSkipped = options.seed !== undefined;
      const first = stores.environments.all()[0];
      for (const key of cliKeys) if (!stores.environments.keyOwner(key)) stores.environments.addKey(first.id, key);
    }

    const environments = stores.environments
      .all()
      .map((env) => ({ id: env.id, publicId: env.public_id, name: env.name, keys: stores.environments.keysOf(env.id) }));
    // After the seed, so each environment's baseline (what reset returns to) holds it.
    const admin = createAdminService(db, stores, createSnapshots(db), clock);
    const environmentClock = createEnvironmentClock(db, clock);
    const app = await buildApp({ db, stores, admin, clock: environmentClock, logLevel: options.logLevel ?? DEFAULT_OPTIONS.logLevel,
      onClose: () => db.close(),
    });
    return { app, db, stores, admin, clock: environmentClock, environments, apiKey: environments[0].keys[0], usingFallbackKey, seedSkipped };
  } catch (err) {
    db.close();
    throw err;
  }
}

export interface RunningFlagstand extends Flagstand {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** createFlagstand, then listen. Port 0 picks a free port. */
export async function startServer(options: Partial<FlagstandOptions> & { clock?: Clock } = {}): Promise<RunningFlagstand> {
  const flagstand = await createFlagstand(options);
  const host = options.host ?? DEFAULT_OPTIONS.host;
  await flagstand.app.listen({ port: options.port ?? DEFAULT_OPTIONS.port, host });
  const address = flagstand.app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? DEFAULT_OPTIONS.port);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return { ...flagstand, url: `http://${urlHost}:${port}`, port, close: () => closeWithin(flagstand.app, SHUTDOWN_GRACE_MS) };
}

/**
 * Stops listening, lets requests in flight finish, and closes every keep-alive connection as soon
 * as it is idle (Node closes the idle ones once, at close(); a connection whose answer was still
 * being written goes idle later, so this looks again every 50 ms). After `graceMs` it closes
 * whatever is still open (a client stalled mid-request), so shutdown never waits on a client.
 * The database closes last.
 */
export async function closeWithin(app: FastifyInstance, graceMs: number): Promise<void> {
  const idle = setInterval(() => app.server.closeIdleConnections(), 50);
  const deadline = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearInterval(idle);
    clearTimeout(deadline);
  }
}
