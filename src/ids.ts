import { randomBytes, randomFillSync } from 'node:crypto';
import { encodeTime, monotonicFactory } from 'ulid';

/** WorkOS id prefixes, one table for the whole app. */
export const ID_PREFIXES = {
  environment: 'environment_',
  flag: 'flag_',
  flagRule: 'flag_rule_',
  flagTarget: 'flag_target_',
  organization: 'org_',
  organizationDomain: 'org_domain_',
  user: 'user_',
  membership: 'om_',
  apiKey: 'api_key_',
  role: 'role_',
  permission: 'perm_',
  resource: 'authz_resource_',
  roleAssignment: 'role_assignment_',
  invitation: 'invitation_',
  emailVerification: 'email_verification_',
  authFactor: 'auth_factor_',
  authChallenge: 'auth_challenge_',
  session: 'session_',
  authorizedApplication: 'authorized_connect_app_',
  connectApplication: 'conn_app_',
  dataProvider: 'data_provider_',
  connectedAccount: 'connected_account_',
  event: 'event_',
  webhookEndpoint: 'we_',
  webhookDelivery: 'wd_',
  snapshot: 'snapshot_',
  redirectUri: 'ruri_',
  corsOrigin: 'cors_origin_',
  /** Internal: a large part of stored event bodies (src/modules/events/parts.ts), never shown. */
  eventPart: 'evpart_',
} as const;
export type IdKind = keyof typeof ID_PREFIXES;

/**
 * ulid's default source asks the system for one random byte per character (16 calls per id, a
 * twentieth of a write's CPU); this draws the same secure bytes 4 KB at a time.
 */
const pool = new Uint32Array(1024);
let poolAt = pool.length;
const pooledRandom = (): number => {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] / 0x1_0000_0000;
};

// Monotonic so ids minted within one millisecond still sort in creation order.
const nextUlid = monotonicFactory(pooledRandom);
const ULID = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function newId(kind: IdKind): string {
  return ID_PREFIXES[kind] + nextUlid();
}

/** True when `value` is the prefix of `kind` followed by a valid ULID. */
export function isId(kind: IdKind, value: string): boolean {
  const prefix = ID_PREFIXES[kind];
  return value.startsWith(prefix) && ULID.test(value.slice(prefix.length));
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const COUNTER_LIMIT = 32 ** 5;

/**
 * Mints many ids of one kind, in increasing order, for a seed's users and memberships: one clock
 * read and one random draw for the batch (10 time characters, 11 random ones), then a counter in
 * the last 5 characters, starting at random below 2^24 so at least 16 M ids fit. `newId` reads the
 * clock and increments a string per id, ~0.9 µs each: a tenth of a second for a big seed.
 */
export function idMinter(kind: IdKind): () => string {
  const random = randomBytes(14);
  let prefix = ID_PREFIXES[kind] + encodeTime(Date.now(), 10);
  for (let i = 0; i < 11; i++) prefix += CROCKFORD[random[i] & 31];
  let counter = random.readUIntBE(11, 3);
  return () => {
    if (counter >= COUNTER_LIMIT) return newId(kind);
    const n = counter++;
    return prefix + CROCKFORD[(n >>> 20) & 31] + CROCKFORD[(n >>> 15) & 31] + CROCKFORD[(n >>> 10) & 31] + CROCKFORD[(n >>> 5) & 31] + CROCKFORD[n & 31];
  };
}

// base64url's characters in byte order, so that keys compare (in SQL, in JS) as their numbers do.
const KEY_DIGITS = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
const KEY_LENGTH = 8;
const KEY_RANGE = 64 ** KEY_LENGTH; // 2^48, exact in a double

const encodeKey = (n: number): string => {
  let key = '';
  for (let i = 0; i < KEY_LENGTH; i++, n = Math.floor(n / 64)) key = KEY_DIGITS[n % 64] + key;
  return key;
};

/**
 * An environment's internal id (see environments/store.ts): 8 characters (48 bits), a fifth of
 * the public id's length, in every row of the environment. Each is the next after `last`, the
 * greatest id taken, so a new environment's rows go in at the end of every index rather than
 * into its middle (a 10,653-row copy beside 50 others: ~46 → ~36 ms). The first starts at a
 * random point of the lower half, leaving 2^47 ids after it. An id it cannot follow (outside
 * the alphabet, or the last of the range) gets a random one: only slower, never a clash the
 * primary key would not refuse.
 */
export function environmentKeyAfter(last: string | undefined): string {
  if (last === undefined) return encodeKey(randomBytes(6).readUIntBE(0, 6) % (KEY_RANGE / 2));
  let n = 0;
  // A shorter id reads as padded with the lowest digit; a longer one (the public ids that
  // environments made before short ids kept) is passed by the next of its first 8 characters.
  for (let i = 0; i < KEY_LENGTH; i++) {
    const digit = i < last.length ? KEY_DIGITS.indexOf(last[i]) : 0;
    if (digit < 0) return randomBytes(6).toString('base64url');
    n = n * 64 + digit;
  }
  return n + 1 < KEY_RANGE ? encodeKey(n + 1) : randomBytes(6).toString('base64url');
}
