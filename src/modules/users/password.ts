import { badRequest, invalidParameters } from '../../http/errors.js';

interface PasswordFields {
  password?: string | null;
  password_hash?: string;
  password_hash_type?: string;
}

/**
 * spec: `password` is mutually exclusive with `password_hash`/`password_hash_type`, and the hash
 * needs its type (and the type its hash). A password is kept only as a hash (see password-hash.ts);
 * an imported hash is dropped.
 */
export function checkPasswordFields(body: PasswordFields): void {
  const given = (key: keyof PasswordFields) => body[key] !== undefined;
  if (given('password') && given('password_hash')) {
    throw badRequest("'password' and 'password_hash' are mutually exclusive.", 'password_and_password_hash_provided');
  }
  if (given('password') && given('password_hash_type')) {
    throw badRequest("'password' and 'password_hash_type' are mutually exclusive.", 'password_and_password_hash_type_provided');
  }
  if (given('password_hash') !== given('password_hash_type')) {
    const missing = given('password_hash') ? 'password_hash_type' : 'password_hash';
    const other = missing === 'password_hash' ? 'password_hash_type' : 'password_hash';
    throw invalidParameters([{ field: missing, code: `${missing}_required`, message: `is required with ${other}` }], 422);
  }
}
