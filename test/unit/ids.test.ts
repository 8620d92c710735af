import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { environmentKeyAfter, idMinter, isId, newId } from '../../src/ids.js';

describe('idMinter (a seed’s many ids)', () => {
  it('mints valid ids of its kind, each greater than the one before', () => {
    const mint = idMinter('membership');
    const ids = Array.from({ length: 5_000 }, mint);
    for (const id of ids) expect(isId('membership', id)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('two minters, and newId, never mint the same id', () => {
    const a = Array.from({ length: 2_000 }, idMinter('user'));
    const b = Array.from({ length: 2_000 }, idMinter('user'));
    const c = Array.from({ length: 2_000 }, () => newId('user'));
    expect(new Set([...a, ...b, ...c]).size).toBe(6_000);
  });

  it('carries the current time, as a ULID does', () => {
    const before = Date.now();
    const id = idMinter('user')().slice('user_'.length);
    const time = [...id.slice(0, 10)].reduce((t, c) => t * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c), 0);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});

describe('newId', () => {
  it('mints valid, increasing ids whose random part is drawn afresh each millisecond', () => {
    const ids: string[] = [];
    const start = Date.now();
    while (Date.now() - start < 40) ids.push(newId('event'));
    for (const id of ids) expect(isId('event', id)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    // The first id of each millisecond: its 16 random characters are new, and spread over the alphabet.
    const firsts = new Map<string, string>();
    for (const id of ids) {
      const ulid = id.slice('event_'.length);
      if (!firsts.has(ulid.slice(0, 10))) firsts.set(ulid.slice(0, 10), ulid.slice(10));
    }
    const randoms = [...firsts.values()];
    expect(randoms.length).toBeGreaterThan(10);
    expect(new Set(randoms).size).toBe(randoms.length);
    expect(new Set(randoms.join('')).size).toBeGreaterThan(25);
  });
});

describe('environmentKeyAfter (internal environment ids)', () => {
  const KEY = /^[A-Za-z0-9_-]{8}$/;

  it('starts in the lower half of the range, then each key follows the one before', () => {
    const first = environmentKeyAfter(undefined);
    expect(first).toMatch(KEY);
    expect(first < 'V').toBe(true); // '-0-9A-U' are the lower 32 of the 64 digits
    let last = first;
    for (let i = 0; i < 200; i++) {
      const next = environmentKeyAfter(last);
      expect(next).toMatch(KEY);
      expect(next > last).toBe(true);
      last = next;
    }
    expect(environmentKeyAfter('abcdefg-')).toBe('abcdefg0');
    expect(environmentKeyAfter('abcdefgz')).toBe('abcdefh-');
    expect(environmentKeyAfter('zzzzzzzy')).toBe('zzzzzzzz');
  });

  it('passes ids of other shapes: random keys, long public ids, short ones', () => {
    for (let i = 0; i < 200; i++) {
      const random = randomBytes(6).toString('base64url'); // the keys made before
      expect(environmentKeyAfter(random) > random).toBe(true);
    }
    for (const other of ['environment_01HX0000000000000000000001', 'zzzzzzzy_longer', 'a', '']) {
      const next = environmentKeyAfter(other);
      expect(next).toMatch(KEY);
      expect(next > other).toBe(true);
    }
  });

  it('falls back to a random key past the end of the range or after an id it cannot read', () => {
    for (const last of ['zzzzzzzz', 'zzzzzzzzz', '~legacy', 'é']) expect(environmentKeyAfter(last)).toMatch(KEY);
  });
});
