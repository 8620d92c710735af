import type { Clock } from '../clock.js';
import { bulkLoad, BULK_LOAD_MIN_ROWS } from '../db/bulk-load.js';
import type { Db } from '../db/open.js';
import { newId } from '../ids.js';
import type { Stores } from '../stores.js';
import { checkSeed, keysOf, type SeedCheckInProgress } from './check.js';
import { insertEnvironmentSeed } from './insert.js';
import type { SeedDocument, SeedEnvironment } from './schema.js';
import { SeedError } from './seed-error.js';
import { uncheckedEnvironments } from './validate.js';

/** Rows an environment's seed will insert, near enough to choose how to load it. */
function roughRowCount(env: SeedEnvironment): number {
  const flags = env.feature_flags ?? [];
  return (
    (env.organizations?.length ?? 0) +
    (env.users?.length ?? 0) +
    (env.organization_memberships?.length ?? 0) +
    flags.length +
    flags.reduce((n, f) => n + (f.targets?.length ?? 0) + (f.rules?.reduce((m, r) => m + (r.targets?.length ?? 0), 0) ?? 0), 0)
  );
}

export interface LoadedEnvironment {
  /** Internal: what the stores take (see environments/store.ts). */
  id: string;
  /** The `environment_…` id the admin API shows. */
  publicId: string;
  name: string;
  keys: string[];
}

/**
 * Loads a whole seed in one transaction: every environment with its keys and entries, or nothing.
 * `defaultKeys` (from the CLI) go to the first environment. With `check` (the checks of this very
 * document, already running in another thread), inserting starts at once and the transaction
 * commits only once they pass: a bad seed still fails with the same message, and loads nothing.
 */
export function loadSeed(
  db: Db,
  stores: Stores,
  doc: SeedDocument | unknown,
  clock: Clock,
  defaultKeys: string[] = [],
  check?: SeedCheckInProgress,
): { environments: LoadedEnvironment[]; rows: number } {
  const unchecked = check ? uncheckedEnvironments(doc) : undefined;
  if (check && !unchecked) check.verdict();
  const environments = unchecked ?? checkSeed(doc, defaultKeys);

  let rows = 0;
  const loaded: LoadedEnvironment[] = [];
  const insertAll = () => {
    environments.forEach((env, i) => {
      const id = stores.environments.nextId();
      const publicId = newId('environment');
      stores.environments.insert({ id, public_id: publicId, name: env.name!, launchdarkly_key: env.launchdarkly_key ?? null, created_at: clock.now() });
      const envKeys = keysOf(env, i, defaultKeys);
      for (const key of envKeys) stores.environments.addKey(id, key);
      rows += insertEnvironmentSeed(stores, id, env, clock, check?.sortedTargets && (() => check.sortedTargets!()?.[i]));
      loaded.push({ id, publicId, name: env.name!, keys: envKeys });
    });
    // Before the commit: a failed check rolls everything back.
    check?.verdict();
  };
  try {
    if (environments.reduce((n, env) => n + roughRowCount(env), 0) >= BULK_LOAD_MIN_ROWS) bulkLoad(db, insertAll);
    else db.transaction(insertAll)();
  } catch (err) {
    if (err instanceof SeedError) throw err;
    // An unchecked seed may fail to insert (a missing field, a duplicate key): its check says why.
    check?.verdict();
    throw new SeedError(`seed: ${(err as Error).message}`);
  }
  return { environments: loaded, rows };
}
