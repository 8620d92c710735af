import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { changeFeedOf } from '../../db/change-feed.js';
import type { Db } from '../../db/open.js';
import { isConstraintError, withoutForeignKeys, type SnapshotRecord, type Snapshots } from '../../db/snapshots.js';
import { conflict, notFound, unprocessable } from '../../http/errors.js';
import { newId } from '../../ids.js';
import { loadSeed } from '../../seed/load.js';
import { SeedError } from '../../seed/seed-error.js';
import type { Stores } from '../../stores.js';
import type { Environment } from '../environments/store.js';
import type { NewEnvironment } from './input.js';

/** An environment as the admin API and the programmatic API show it: `id` is the public id. */
export interface EnvironmentView {
  id: string;
  name: string;
  launchdarkly_key: string | null;
  created_at: string;
  api_keys: string[];
  app_homepage_url: string | null;
}


/** `current` in a path names the environment of the caller's key. */
export const CURRENT = 'current';

/**
 * Speaks public environment ids (`environment_…`) in and out, snapshots included; rows are keyed by
 * the internal id (environments/store.ts), which only `callerId` (a request's environment) is.
 */
export interface AdminService {
  list(): EnvironmentView[];
  /** By public id, name, or `current` (needs the caller's environment, an internal id). */
  resolve(ref: string, callerId?: string): EnvironmentView;
  /** resolve, giving the internal id (what rows and request.environmentId carry). */
  resolveId(ref: string, callerId?: string): string;
  create(input: NewEnvironment): EnvironmentView;
  delete(environmentId: string): void;
  /** Changes what can change of an environment: its LaunchDarkly key (null clears it). */
  update(environmentId: string, changes: { launchdarkly_key?: string | null }): EnvironmentView;
  reset(environmentId: string): EnvironmentView;
  resetAll(): EnvironmentView[];
  snapshot(environmentId: string): SnapshotRecord;
  /** A snapshot taken through the API (baselines are internal). */
  getSnapshot(snapshotId: string): SnapshotRecord;
  listSnapshots(environmentId: string): SnapshotRecord[];
  restore(environmentId: string, snapshotId: string): EnvironmentView;
  deleteSnapshot(environmentId: string, snapshotId: string): void;
}

const SEED_LISTS = ['organizations', 'users', 'organization_memberships', 'feature_flags'] as const;

/** A random secret key, in the shape WorkOS test keys have. */
export function mintApiKey(): string {
  return `sk_test_${randomBytes(24).toString('base64url')}`;
}

export function createAdminService(db: Db, stores: Stores, snapshots: Snapshots, clock: Clock): AdminService {
  const envs = stores.environments;
  const view = (env: Environment): EnvironmentView => ({
    id: env.public_id,
    name: env.name,
    launchdarkly_key: env.launchdarkly_key,
    created_at: env.created_at,
    api_keys: envs.keysOf(env.id),
    app_homepage_url: stores.appUrls.homepageUrl(env.id),
  });
  // Snapshots are stored under the internal id; callers see the public one.
  const shown = (snapshot: SnapshotRecord): SnapshotRecord => ({
    ...snapshot,
    environment_id: envs.byId(snapshot.environment_id)?.public_id ?? snapshot.environment_id,
  });

  // Lazy: a baseline copies a row only when it is first written, so a large seed starts without
  // a second copy of itself (most rows are never written by a test).
  const takeBaseline = (environmentId: string) =>
    snapshots.take({ id: newId('snapshot'), environment_id: environmentId, baseline: true, created_at: clock.now() }, { lazy: true });

  // Bulk writes (an environment copied, loaded or purged: thousands of rows) tell the change feed
  // which environment they wrote instead of reporting every row.
  const quietly = <T>(fn: () => T, touched: (result: T) => string[]): T => {
    const feed = changeFeedOf(db);
    return feed ? feed.quietly(fn, touched) : fn();
  };

  const startupIds = new Set(envs.all().map((env) => env.id));
  // A file database reopened keeps no snapshots: its state at this start is what reset returns to.
  for (const id of startupIds) if (!snapshots.baselineOf(id)) takeBaseline(id);

  /** By public id. */
  const find = (publicId: string): Environment => {
    const env = envs.byPublicId(publicId);
    if (!env) throw notFound('Environment', publicId);
    return env;
  };

  // Baselines are internal: reset restores them, the snapshot routes never show them.
  const getSnapshot = (snapshotId: string): SnapshotRecord => {
    const snapshot = snapshots.get(snapshotId);
    if (!snapshot || snapshot.baseline) throw notFound('Snapshot', snapshotId);
    return snapshot;
  };
  const findSnapshot = (environmentId: string, snapshotId: string): SnapshotRecord => {
    const snapshot = getSnapshot(snapshotId);
    if (snapshot.environment_id !== environmentId) throw notFound('Snapshot', snapshotId);
    return snapshot;
  };

  /** By public id or name, as paths and `from_environment` name an environment. */
  const byRef = (ref: string): Environment | undefined => envs.byPublicId(ref) ?? envs.byName(ref);

  const resolve = (ref: string, callerId?: string): EnvironmentView => {
    const env = ref === CURRENT && callerId ? envs.byId(callerId) : byRef(ref);
    if (!env) throw notFound('Environment', ref);
    return view(env);
  };

  const uniqueName = (): string => {
    let n = envs.count() + 1;
    while (envs.byName(`environment-${n}`)) n++;
    return `environment-${n}`;
  };

  const checkNew = (input: NewEnvironment, name: string, keys: string[]): void => {
    if (name === CURRENT) {
      throw unprocessable(`'${CURRENT}' is reserved: it names the caller's environment in admin paths.`, 'invalid_environment_name', [
        { field: 'name', code: 'name_reserved' },
      ]);
    }
    if (envs.byName(name)) {
      throw conflict(`An environment named '${name}' already exists.`, 'environment_name_conflict', [{ field: 'name', code: 'name_not_unique' }]);
    }
    for (const key of keys) {
      if (envs.keyOwner(key)) {
        throw conflict(`The API key '${key}' already belongs to an environment.`, 'api_key_conflict', [{ field: 'api_keys', code: 'api_key_not_unique' }]);
      }
    }
    if (input.from_environment !== undefined) {
      const lists = SEED_LISTS.filter((list) => input[list] !== undefined);
      if (lists.length) {
        throw unprocessable(`'from_environment' copies another environment and cannot be combined with '${lists[0]}'.`, 'invalid_request_parameters', [
          { field: 'from_environment', code: 'from_environment_exclusive', message: `cannot be combined with '${lists[0]}'` },
        ]);
      }
    }
  };

  const createInTransaction = db.transaction((input: NewEnvironment): Environment => {
    const name = input.name ?? uniqueName();
    const keys = input.api_keys?.length ? input.api_keys : [mintApiKey()];
    checkNew(input, name, keys);
    let id: string;
    if (input.from_environment !== undefined) {
      const source = byRef(input.from_environment);
      if (!source) {
        throw unprocessable(`Environment not found: '${input.from_environment}'.`, 'invalid_request_parameters', [
          { field: 'from_environment', code: 'from_environment_not_found' },
        ]);
      }
      id = envs.nextId();
      envs.insert({ id, public_id: newId('environment'), name, launchdarkly_key: input.launchdarkly_key ?? null, created_at: clock.now() });
      for (const key of keys) envs.addKey(id, key);
      const into = id;
      quietly(() => snapshots.copyInto(snapshots.baselineOf(source.id)!, into), () => [into]);
    } else {
      const { from_environment: _, ...seed } = input;
      try {
        // No snapshot knows the new environment yet, so its rows need no change stamps.
        const load = () => snapshots.untracked(() => loadSeed(db, stores, { environments: [{ ...seed, name, api_keys: keys }] }, clock));
        id = quietly(load, (loaded) => loaded.environments.map((env) => env.id)).environments[0].id;
      } catch (err) {
        if (!(err instanceof SeedError)) throw err;
        // The loader speaks of a one-environment seed document; the caller sent one environment.
        const message = 'Invalid environment: ' + err.message.replace(/^seed: /, '').replace(/^environments\[0\](?: \([^)]*\))?(?:: |\.)/, '');
        const field = err.field?.replace(/^environments\.0\./, '') ?? 'body';
        throw unprocessable(message, 'invalid_seed', [{ field, code: 'invalid_seed_entry' }]);
      }
    }
    takeBaseline(id);
    return envs.byId(id)!;
  });

  const deleteInTransaction = db.transaction((environmentId: string) => {
    quietly(() => snapshots.purge(environmentId), () => [environmentId]);
    envs.delete(environmentId);
  });

  // In place first: foreign keys stay on, so no prepared statement of the connection expires and
  // the requests after a reset run at full speed. Only when a constraint refuses that (a unique
  // value moved between two kept rows) does it all run again with foreign keys off.
  const restoreInPlace = db.transaction((ids: readonly string[]) => {
    for (const id of ids) snapshots.restoreInPlace(id);
  });
  const restoreAll = (ids: readonly string[]) => {
    try {
      return restoreInPlace(ids);
    } catch (err) {
      if (!isConstraintError(err)) throw err;
    }
    withoutForeignKeys(db, () => restoreWithoutForeignKeys(ids));
  };
  const restoreWithoutForeignKeys = db.transaction((ids: readonly string[]) => {
    for (const id of ids) snapshots.restore(id);
  });

  const resetAllInTransaction = db.transaction(() => {
    for (const env of envs.all()) {
      if (startupIds.has(env.id)) snapshots.restore(snapshots.baselineOf(env.id)!);
      else deleteInTransaction(env.id);
    }
  });

  return {
    list: () => envs.all().map(view),
    resolve,
    resolveId: (ref, callerId) => find(resolve(ref, callerId).id).id,

    create: (input) => view(withoutForeignKeys(db, () => createInTransaction(input))),

    delete(environmentId) {
      const env = find(environmentId);
      if (startupIds.has(env.id)) {
        throw conflict(
          `Environment '${env.name}' was loaded at start-up and cannot be deleted; reset it instead.`,
          'environment_not_deletable',
        );
      }
      withoutForeignKeys(db, () => deleteInTransaction(env.id));
    },

    update(environmentId, changes) {
      const env = find(environmentId);
      if (changes.launchdarkly_key !== undefined) envs.setLaunchDarklyKey(env.id, changes.launchdarkly_key);
      return view(envs.byId(env.id)!);
    },

    reset(environmentId) {
      const env = find(environmentId);
      restoreAll([snapshots.baselineOf(env.id)!]);
      return view(env);
    },

    resetAll() {
      const all = envs.all();
      // Environments created since start-up are deleted, which needs foreign keys off anyway.
      if (all.every((env) => startupIds.has(env.id))) restoreAll(all.map((env) => snapshots.baselineOf(env.id)!));
      else withoutForeignKeys(db, () => resetAllInTransaction());
      return envs.all().map(view);
    },

    snapshot(environmentId) {
      const env = find(environmentId);
      return shown(snapshots.take({ id: newId('snapshot'), environment_id: env.id, baseline: false, created_at: clock.now() }));
    },

    getSnapshot: (snapshotId) => shown(getSnapshot(snapshotId)),

    listSnapshots(environmentId) {
      const env = find(environmentId);
      return snapshots.ofEnvironment(env.id).filter((s) => !s.baseline).map(shown);
    },

    restore(environmentId, snapshotId) {
      const env = find(environmentId);
      const snapshot = findSnapshot(env.id, snapshotId);
      restoreAll([snapshot.id]);
      return view(env);
    },

    deleteSnapshot(environmentId, snapshotId) {
      snapshots.drop(findSnapshot(find(environmentId).id, snapshotId).id);
    },
  };
}
