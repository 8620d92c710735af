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

export interface WaitForEventOptions {
  /** The event type, e.g. `flag.updated`. */
  event: string;
  /** Default 5000. Past it the promise rejects. */
  timeoutMs?: number;
  /** Id or name (default: the default environment in process, the key's over HTTP). */
  environment?: string;
  /** Only events recorded after this event id. */
  after?: string;
  /** Also wait until every delivery of the event has been answered with a 2xx. */
  delivered?: boolean;
}

/** The event object, as GET /events and webhook bodies give it. */
export interface FlagstandEvent {
  object: 'event';
  id: string;
  event: string;
  data: Record<string, unknown>;
  created_at: string;
  context?: Record<string, unknown>;
}

/** One event's delivery to one endpoint. */
export interface FlagstandDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  /** The HTTP status of the last attempt; null before one or when it got no answer. */
  lastStatus: number | null;
  /** The environment clock's time of the next attempt; null once delivered or given up. */
  nextAttemptAt: string | null;
  deliveredAt: string | null;
}

export const toDelivery = (d: {
  id: string;
  endpoint_id: string;
  event_id: string;
  attempts: number;
  last_status: number | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}): FlagstandDelivery => ({
  id: d.id,
  endpointId: d.endpoint_id,
  eventId: d.event_id,
  attempts: d.attempts,
  lastStatus: d.last_status,
  nextAttemptAt: d.next_attempt_at,
  deliveredAt: d.delivered_at,
});

/**
 * Polls `look` until it finds the event (and, with `delivered`, its deliveries all delivered), so
 * a test waits exactly as long as it must. Rejects after `timeoutMs`.
 */
export async function pollForEvent(
  options: WaitForEventOptions,
  look: () => Promise<{ event: FlagstandEvent | undefined; delivered: () => Promise<boolean> }>,
  intervalMs: number,
): Promise<FlagstandEvent> {
  const deadline = Date.now() + (options.timeoutMs ?? 5000);
  for (;;) {
    const { event, delivered } = await look();
    if (event && (!options.after || event.id > options.after) && (!options.delivered || (await delivered()))) return event;
    if (Date.now() >= deadline) {
      throw new Error(`waitForEvent: no '${options.event}' event${options.delivered ? ' delivered' : ''} within ${options.timeoutMs ?? 5000} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
