import { createHmac } from 'node:crypto';

/**
 * `WorkOS-Signature: t=<ms>, v1=<hex>`: v1 = HMAC-SHA256(secret, "<t>.<raw body>"), t in
 * milliseconds (SDK 11/12 `SignatureProvider.verifyHeader` compares t with Date.now() - tolerance).
 */
export function signatureHeader(secret: string, timestampMs: number, body: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs}, v1=${v1}`;
}
