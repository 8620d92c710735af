import { createHash } from 'node:crypto';

/**
 * LaunchDarkly variations have ids; flagstand's boolean flags have two implicit variations. Their
 * ids are RFC 4122 version-5 UUIDs of `<flagKey>:true` / `<flagKey>:false`, so any client can
 * compute them without a lookup, and they are the same in every environment (as LaunchDarkly's
 * variations belong to the flag, not the environment).
 */
export function uuidV5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** RFC 4122's URL namespace. */
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';
export const VARIATION_NAMESPACE = uuidV5('urn:flagstand:launchdarkly:variation', URL_NAMESPACE);

export function variationId(flagKey: string, value: boolean): string {
  return uuidV5(`${flagKey}:${value}`, VARIATION_NAMESPACE);
}

/** The value a variation id stands for on this flag, or undefined when it is none of the flag's. */
export function variationValue(flagKey: string, id: string): boolean | undefined {
  const lower = id.toLowerCase();
  if (lower === variationId(flagKey, true)) return true;
  if (lower === variationId(flagKey, false)) return false;
  return undefined;
}
