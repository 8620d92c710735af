import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Db } from '../../db/open.js';
import { selfSignedCertificate, thumbprint } from './certificate.js';

/** One key of an environment's JWKS, as the spec's JwksResponse lists it. */
export interface Jwk {
  alg: 'RS256';
  kty: 'RSA';
  use: 'sig';
  x5c: string[];
  n: string;
  e: string;
  kid: string;
  'x5t#S256': string;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Jwk;
}

/** Each environment's RS256 key pair: made on first use (a 2048-bit key takes a few tens of ms), then kept. */
export function createSigningKeys(db: Db) {
  const insert = db.prepare('INSERT INTO signing_keys (environment_id, kid, private_pem, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)');
  const first = db.prepare<[string], { kid: string; private_pem: string; public_jwk: string }>(
    'SELECT kid, private_pem, public_jwk FROM signing_keys WHERE environment_id = ? ORDER BY created_at, kid LIMIT 1',
  );
  const cache = new Map<string, SigningKey>();

  const make = (environmentId: string, now: string): SigningKey => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = selfSignedCertificate(publicKey, privateKey, 'flagstand', randomBytes(8), new Date(now));
    const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    const kid = `sso_oidc_key_pair_${thumbprint(der).slice(0, 26)}`;
    const jwk: Jwk = { alg: 'RS256', kty: 'RSA', use: 'sig', x5c: [der.toString('base64')], n, e, kid, 'x5t#S256': thumbprint(der) };
    insert.run(environmentId, kid, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, JSON.stringify(jwk), now);
    return { kid, privateKey, jwk };
  };

  return {
    /** The environment's key, made now if it has none. */
    of(environmentId: string, now: string): SigningKey {
      let key = cache.get(environmentId);
      if (key) return key;
      const row = first.get(environmentId);
      key = row ? { kid: row.kid, privateKey: createPrivateKey(row.private_pem), jwk: JSON.parse(row.public_jwk) as Jwk } : make(environmentId, now);
      cache.set(environmentId, key);
      return key;
    },
    /** The public half, for a verifier. */
    publicKeyOf: (key: SigningKey): KeyObject => createPublicKey(key.privateKey),
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
