import { describe, expect, it } from 'vitest';
import { hashApiKeyValue, newApiKeyValue, obfuscateApiKeyValue } from '../../src/modules/api-keys/secret.js';
import { isDomainName, normalizeDomain } from '../../src/modules/organizations/domain-names.js';
import { mergeMetadata } from '../../src/http/metadata.js';
import { LOWER_ALPHANUMERIC, randomString } from '../../src/random-string.js';

describe('domain names', () => {
  it.each([
    ['Acme.COM ', 'acme.com', true],
    ['sub.acme.co.uk', 'sub.acme.co.uk', true],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', true],
    ['acme', 'acme', false],
    ['-acme.com', '-acme.com', false],
    ['acme-.com', 'acme-.com', false],
    ['acme..com', 'acme..com', false],
    ['https://acme.com', 'https://acme.com', false],
    ['a b.com', 'a b.com', false],
    [`${'a'.repeat(64)}.com`, `${'a'.repeat(64)}.com`, false],
  ])('%j normalizes to %j, a domain name: %s', (input, normalized, valid) => {
    expect(normalizeDomain(input)).toBe(normalized);
    expect(isDomainName(normalizeDomain(input))).toBe(valid);
  });
});

describe('metadata merge', () => {
  it.each([
    [{ a: '1' }, { b: '2' }, { a: '1', b: '2' }],
    [{ a: '1' }, { a: '3' }, { a: '3' }],
    [{ a: '1', b: '2' }, { a: null }, { b: '2' }],
    [{ a: '1' }, { missing: null }, { a: '1' }],
    [{ a: '1' }, {}, { a: '1' }],
    [{ a: '1' }, null, {}],
  ])('%j merged with %j is %j', (current, patch, merged) => {
    expect(mergeMetadata(current, patch)).toEqual(merged);
  });

  it('refuses a result over 50 keys with 400 invalid_metadata', () => {
    const current = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v']));
    expect(() => mergeMetadata(current, { extra: 'v' })).toThrow(expect.objectContaining({ status: 400 }));
    expect(Object.keys(mergeMetadata(current, { extra: 'v', k0: null }))).toHaveLength(50);
  });
});

describe('API key secrets', () => {
  it('mints sk_ and 40 letters and digits, distinct each time', () => {
    const values = new Set(Array.from({ length: 50 }, newApiKeyValue));
    expect(values.size).toBe(50);
    for (const v of values) expect(v).toMatch(/^sk_[A-Za-z0-9]{40}$/);
  });

  it.each([
    ['sk_abcdefghijklmnop123456', 'sk_...3456'],
    ['sk_test_abc1234', 'sk_...1234'],
    ['plainvalue', '...alue'],
    ['ab_cd', '...b_cd'],
  ])('obfuscates %s as %s', (value, obfuscated) => {
    expect(obfuscateApiKeyValue(value)).toBe(obfuscated);
  });

  it('hashes with SHA-256', () => {
    expect(hashApiKeyValue('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('randomString', () => {
  it('draws only from the alphabet, at the length asked', () => {
    const s = randomString(500, LOWER_ALPHANUMERIC);
    expect(s).toHaveLength(500);
    expect(s).toMatch(/^[a-z0-9]+$/);
  });
});
