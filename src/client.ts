import type { Static } from '@sinclair/typebox';
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
import { ADMIN_PREFIX } from './config.js';
import { ApiError, type ErrorBody } from './http/api-error.js';
import type { FlagstandEnvironment as EnvironmentWire, FlagstandSnapshot as SnapshotWire } from './modules/admin/schemas.js';
import type { FeatureFlag } from './modules/feature-flags/flag-schema.js';
import type { FlagChanges, NewFlag } from './modules/feature-flags/input.js';

// The package's client-only entry, `flagstand/client`: what a test file needs to reach a server a
// global setup started. It must stay free of Fastify, SQLite and TypeBox at run time (type imports
// are fine), so that importing it in every test file costs a few milliseconds (test/client-entry.test.ts).
export { ApiError, type ErrorBody } from './http/api-error.js';
export type { CreateEnvironmentOptions, FlagstandEnvironment, FlagstandSnapshot, SdkOptions } from './api-types.js';
export type { FlagChanges, NewFlag } from './modules/feature-flags/input.js';

/**
 * flagstand's admin API over HTTP, for code that did not start the server: a test worker given
 * the URL and a key by a global setup. Environment arguments take an id, a name or `current`
 * (the environment of this client's key); flag methods act in the environment of the key.
 */
export interface FlagstandClient {
  url: string;
  apiKey: string;
  /** `new WorkOS(apiKey, sdkOptions)` reaches the server. */
  sdkOptions: SdkOptions;
  /** The same server, called with another key (e.g. a new environment's). */
  withApiKey(apiKey: string): FlagstandClient;

  listEnvironments(): Promise<FlagstandEnvironment[]>;
  createEnvironment(options?: CreateEnvironmentOptions): Promise<FlagstandEnvironment & { apiKey: string }>;
  deleteEnvironment(environment?: string): Promise<void>;
  /** Puts the whole server back to its start-up state (environments created since are deleted). */
  reset(): Promise<void>;
  resetEnvironment(environment?: string): Promise<void>;
  snapshot(environment?: string): Promise<FlagstandSnapshot>;
  /** A snapshot given by id alone is looked for in the environment of the key. */
  restore(snapshot: FlagstandSnapshot | string): Promise<void>;
  deleteSnapshot(snapshot: FlagstandSnapshot | string): Promise<void>;

  /** The environment's time, ISO 8601 with ms (default: the key's environment). */
  getClock(environment?: string): Promise<string>;
  /** Sets the environment's time; it then stands still until moved again. Resolves to the new time. */
  setClock(now: string | Date, environment?: string): Promise<string>;
  /** Moves the environment's time by `ms` (negative: back); it then stands still. Resolves to the new time. */
  advanceClock(ms: number, environment?: string): Promise<string>;

  createFlag(flag: NewFlag): Promise<Static<typeof FeatureFlag>>;
  updateFlag(slug: string, changes: FlagChanges): Promise<Static<typeof FeatureFlag>>;
  deleteFlag(slug: string): Promise<void>;
  /** On (true) or explicitly off (false) for a user (user_…) or organization (org_…). */
  setFlagTarget(slug: string, resourceId: string, enabled: boolean): Promise<void>;
  removeFlagTarget(slug: string, resourceId: string): Promise<void>;
}

const segment = encodeURIComponent;

export function connectFlagstand(options: { url: string; apiKey: string }): FlagstandClient {
  const base = options.url.replace(/\/+$/, '');

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(base + ADMIN_PREFIX + path, {
      method,
      headers: { authorization: `Bearer ${options.apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw new ApiError(res.status, (parsed as ErrorBody | undefined) ?? { message: `HTTP ${res.status}` });
    return parsed as T;
  }

  const snapshotPath = (snapshot: FlagstandSnapshot | string) =>
    typeof snapshot === 'string'
      ? `/environments/current/snapshots/${segment(snapshot)}`
      : `/environments/${segment(snapshot.environmentId)}/snapshots/${segment(snapshot.id)}`;
  const clockPath = (environment: string) => `/environments/${segment(environment)}/clock`;
  const moveClock = async (environment: string, body: { now: string } | { advance_ms: number }) =>
    (await call<{ now: string }>('POST', clockPath(environment), body)).now;
  const flagPath = (slug: string) => `/feature-flags/${segment(slug)}`;

  return {
    url: base,
    apiKey: options.apiKey,
    sdkOptions: sdkOptionsFor(base),
    withApiKey: (apiKey) => connectFlagstand({ url: base, apiKey }),

    listEnvironments: async () => (await call<{ data: Static<typeof EnvironmentWire>[] }>('GET', '/environments')).data.map(toEnvironment),
    createEnvironment: async (create = {}) =>
      toEnvironment(await call<Static<typeof EnvironmentWire>>('POST', '/environments', newEnvironmentBody(create))) as FlagstandEnvironment & {
        apiKey: string;
      },
    deleteEnvironment: (environment = 'current') => call('DELETE', `/environments/${segment(environment)}`),
    reset: () => call('POST', '/reset'),
    resetEnvironment: (environment = 'current') => call('POST', `/environments/${segment(environment)}/reset`),
    snapshot: async (environment = 'current') =>
      toSnapshot(await call<Static<typeof SnapshotWire>>('POST', `/environments/${segment(environment)}/snapshots`)),
    restore: (snapshot) => call('POST', `${snapshotPath(snapshot)}/restore`),
    deleteSnapshot: (snapshot) => call('DELETE', snapshotPath(snapshot)),

    getClock: async (environment = 'current') => (await call<{ now: string }>('GET', clockPath(environment))).now,
    setClock: (now, environment = 'current') => moveClock(environment, { now: typeof now === 'string' ? now : now.toISOString() }),
    advanceClock: (ms, environment = 'current') => moveClock(environment, { advance_ms: ms }),

    createFlag: (flag) => call('POST', '/feature-flags', flag),
    updateFlag: (slug, changes) => call('PATCH', flagPath(slug), changes),
    deleteFlag: (slug) => call('DELETE', flagPath(slug)),
    setFlagTarget: (slug, resourceId, enabled) => call('PUT', `${flagPath(slug)}/targets/${segment(resourceId)}`, { enabled }),
    removeFlagTarget: (slug, resourceId) => call('DELETE', `${flagPath(slug)}/targets/${segment(resourceId)}`),
  };
}
