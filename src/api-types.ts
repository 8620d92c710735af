import { readSeedFile } from './seed/read.js';
import type { SeedEnvironment } from './seed/schema.js';
import type { NewEnvironment } from './modules/admin/input.js';
import { clientIdOf } from './modules/authenticate/client-id.js';

// The shapes the package's JavaScript API speaks (camelCase), shared by the in-process controls
// (src/index.ts) and the HTTP client (src/client.ts).

export interface FlagstandEnvironment {
  id: string;
  name: string;
  /** The key LaunchDarkly-dialect paths may name the environment by, beside its name. */
  launchDarklyKey: string | null;
  /** The first of apiKeys: the one to give the SDK. Null for an environment that has none. */
  apiKey: string | null;
  apiKeys: string[];
  /** The client id for sign-in: `new WorkOS(apiKey, { clientId })`, and the JWKS path. */
  clientId: string;
  createdAt: string;
}

export interface FlagstandSnapshot {
  id: string;
  environmentId: string;
  createdAt: string;
}

export interface CreateEnvironmentOptions {
  /** Unique; default `environment-N`. `current` is reserved. */
  name?: string;
  /** Default: one new random `sk_test_…` key. */
  apiKeys?: string[];
  /** One environment of a seed file (its lists, optionally name and api_keys), or a file path holding one. */
  seed?: SeedEnvironment | string;
  /** Id or name of an environment whose start-up state is copied instead (fast: no seed parsing). */
  fromEnvironment?: string;
}

/** `new WorkOS(apiKey, sdkOptions)` reaches the server. */
export interface SdkOptions {
  apiHostname: string;
  port: number;
  https: false;
}

export const toEnvironment = (env: {
  id: string;
  name: string;
  launchdarkly_key: string | null;
  api_keys: string[];
  created_at: string;
}): FlagstandEnvironment => ({
  id: env.id,
  name: env.name,
  launchDarklyKey: env.launchdarkly_key,
  apiKey: env.api_keys[0] ?? null,
  apiKeys: env.api_keys,
  clientId: clientIdOf(env.id),
  createdAt: env.created_at,
});

export const toSnapshot = (s: { id: string; environment_id: string; created_at: string }): FlagstandSnapshot => ({
  id: s.id,
  environmentId: s.environment_id,
  createdAt: s.created_at,
});

/** The admin API's body for a new environment. A seed path is read here; the loader validates it. */
export function newEnvironmentBody(options: CreateEnvironmentOptions): NewEnvironment {
  const seed = typeof options.seed === 'string' ? (readSeedFile(options.seed) as SeedEnvironment) : options.seed;
  const body: NewEnvironment = { ...seed };
  const name = options.name ?? seed?.name;
  const apiKeys = options.apiKeys ?? seed?.api_keys;
  if (name !== undefined) body.name = name;
  if (apiKeys !== undefined) body.api_keys = apiKeys;
  if (options.fromEnvironment !== undefined) body.from_environment = options.fromEnvironment;
  return body;
}

export const sdkOptionsFor = (url: string): SdkOptions => {
  const { hostname, port, protocol } = new URL(url);
  return { apiHostname: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)), https: false };
};
