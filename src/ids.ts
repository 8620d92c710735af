import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/** WorkOS id prefixes, one table for the whole app. */
export const ID_PREFIXES = {
  environment: 'environment_',
  flag: 'flag_',
  organization: 'org_',
  organizationDomain: 'org_domain_',
  user: 'user_',
  membership: 'om_',
  apiKey: 'api_key_',
  role: 'role_',
  event: 'event_',
  snapshot: 'snapshot_',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

// Monotonic so ids minted within one millisecond still sort in creation order.
const nextUlid = monotonicFactory();
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + nextUlid();
}

/** True when `value` is the prefix of `kind` followed by a valid ULID. */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return value.startsWith(prefix) && ULID.test(value.slice(prefix.length));
}

/**
 * An environment's internal id (see environments/store.ts): 8 random characters (48 bits),
 * a fifth of the public id's length, in every row of the environment.
 */
export function newEnvironmentKey(): string {
  return randomBytes(6).toString('base64url');
}
