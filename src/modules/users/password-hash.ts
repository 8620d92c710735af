import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

// scrypt with a cost lower than a production default (N=2^14): a test double hashes every seeded
// password at start-up, and the hash never leaves the database.
const N = 1024;
const KEY_LENGTH = 32;

/** `scrypt$N$salt$hash` (salt and hash base64url). */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, KEY_LENGTH, { N });
  return `scrypt$${N}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

export function verifyPassword(password: string, stored: string): boolean {
  const [scheme, cost, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(cost) });
  return timingSafeEqual(actual, expected);
}
