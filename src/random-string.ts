import { randomBytes } from 'node:crypto';

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const LOWER_ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** A random string over `alphabet` (at most 256 characters), every character equally likely. */
export function randomString(length: number, alphabet = ALPHANUMERIC): string {
  // Bytes at or above the largest multiple of the alphabet size are skipped, so `% size` has no bias.
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) if (b < limit && out.length < length) out += alphabet[b % alphabet.length];
  }
  return out;
}
