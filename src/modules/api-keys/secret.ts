import { createHash } from 'node:crypto';
import { randomString } from '../../random-string.js';

/** A new organization API key secret: `sk_` and 40 random letters and digits (spec example `sk_abcdefghijklmnop123456`). */
export function newApiKeyValue(): string {
  return `sk_${randomString(40)}`;
}

/** Only the hash is stored; validation hashes the presented value and looks it up. */
export function hashApiKeyValue(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** spec example `sk_...3456`: the prefix up to the first underscore and the last four characters. */
export function obfuscateApiKeyValue(value: string): string {
  const underscore = value.indexOf('_');
  const prefix = underscore > 0 && underscore < value.length - 4 ? value.slice(0, underscore + 1) : '';
  return `${prefix}...${value.slice(-4)}`;
}
