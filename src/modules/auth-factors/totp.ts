import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, the form authenticator apps take. */
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A 160-bit secret (RFC 4226's recommended length for SHA-1), base32. */
export const newTotpSecret = (): string => base32(randomBytes(20));

/** spec: a given secret is base32 for SHA-1, 6 digits, 30 s; padding and lowercase are tolerated. */
export function normalizeTotpSecret(secret: string): string | undefined {
  const s = secret.replace(/=+$/, '').toUpperCase();
  return /^[A-Z2-7]{16,}$/.test(s) ? s : undefined;
}

/** The otpauth URI (Google Authenticator key-uri format) the QR code encodes. */
export function totpUri(issuer: string, user: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(user)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${query}`;
}

/** The QR code of `uri` as a PNG data URI (what WorkOS returns in `qr_code`). */
export const qrDataUri = (uri: string): Promise<string> => QRCode.toDataURL(uri);
