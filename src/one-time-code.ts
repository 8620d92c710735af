import { randomString } from './random-string.js';

/** A six-digit one-time code, as WorkOS emails them (verification, email change, authorization codes aside). */
export const oneTimeCode = (): string => randomString(6, '0123456789');
