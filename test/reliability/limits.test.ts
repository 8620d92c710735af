import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARRAY_MAX_ITEMS, BODY_LIMIT_BYTES, NAME_MAX_LENGTH, STRING_MAX_LENGTH, TAG_MAX_LENGTH, TAGS_MAX_ITEMS, withDefaultLimits,
} from '../../src/http/limits.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';

// Every request limit answers a 4xx JSON error naming the field (docs/reliability.md lists them).

let t: TestApp;
const USER = pinnedId('user', 1);
const ORG = pinnedId('organization', 1);
beforeAll(async () => {
  t = await buildTestApp({ seed: { users: [{ id: USER, email: 'ada@example.com' }], organizations: [{ id: ORG, name: 'Acme' }] } });
});
afterAll(() => t.app.close());

const long = (n: number) => 'x'.repeat(n);

describe('request limits', () => {
  it.each([
    ['an organization name', 'POST', '/organizations', { name: long(NAME_MAX_LENGTH + 1) }, 'name', 'name_too_long'],
    ['an organization name on update', 'PUT', `/organizations/${ORG}`, { name: long(NAME_MAX_LENGTH + 1) }, 'name', 'name_too_long'],
    ['a user first name', 'POST', '/user_management/users', { email: 'b@example.com', first_name: long(NAME_MAX_LENGTH + 1) }, 'first_name', 'first_name_too_long'],
    ['a user last name on update', 'PUT', `/user_management/users/${USER}`, { last_name: long(NAME_MAX_LENGTH + 1) }, 'last_name', 'last_name_too_long'],
    ['an API key name', 'POST', `/organizations/${ORG}/api_keys`, { name: long(NAME_MAX_LENGTH + 1) }, 'name', 'name_too_long'],
    ['a flag name', 'POST', '/_flagstand/feature-flags', { slug: 'f', name: long(NAME_MAX_LENGTH + 1) }, 'name', 'name_too_long'],
    ['too many flag tags', 'POST', '/_flagstand/feature-flags', { slug: 'f', tags: Array(TAGS_MAX_ITEMS + 1).fill('t') }, 'tags', 'tags_too_many'],
    ['a long flag tag', 'POST', '/_flagstand/feature-flags', { slug: 'f', tags: [long(TAG_MAX_LENGTH + 1)] }, 'tags.0', 'tags_0_too_long'],
    ['a string the spec leaves open', 'POST', '/_flagstand/feature-flags', { slug: 'g', description: long(STRING_MAX_LENGTH + 1) }, 'description', 'description_too_long'],
    ['an array the spec leaves open', 'POST', '/organizations', { name: 'Big', domain_data: Array(ARRAY_MAX_ITEMS + 1).fill({ domain: 'a.com', state: 'verified' }) }, 'domain_data', 'domain_data_too_many'],
    ['metadata values (spec: 600)', 'POST', '/organizations', { name: 'M', metadata: { k: long(601) } }, 'metadata.k', 'metadata_k_too_long'],
  ])('%s', async (_name, method, url, payload, field, code) => {
    const res = await t.app.inject({ method: method as 'POST', url, headers: t.headers, payload });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    const body = res.json();
    expect(typeof body.message).toBe('string');
    expect(body.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('a value at each limit is accepted', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/organizations', headers: t.headers, payload: { name: long(NAME_MAX_LENGTH) } });
    expect(res.statusCode).toBe(201);
    const flag = await t.app.inject({
      method: 'POST', url: '/_flagstand/feature-flags', headers: t.headers,
      payload: { slug: 'at-limit', tags: Array(TAGS_MAX_ITEMS).fill(long(TAG_MAX_LENGTH)) },
    });
    expect(flag.statusCode).toBe(201);
  });

  it(`a body over ${BODY_LIMIT_BYTES / 1024 / 1024} MB is a 413 JSON error`, async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/organizations', headers: { ...t.headers, 'content-type': 'application/json' },
      payload: `{"name":"${long(BODY_LIMIT_BYTES)}"}`,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ code: 'request_body_too_large' });
  });
});

describe('withDefaultLimits', () => {
  it('bounds what a schema leaves open and keeps what it sets', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: ['string', 'null'], maxLength: 5 },
        c: { type: 'array', items: { type: 'string' } },
        d: { type: 'object', additionalProperties: { type: 'string' } },
        e: { type: 'string', enum: ['x'] },
      },
    };
    expect(withDefaultLimits(schema)).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', maxLength: STRING_MAX_LENGTH },
        b: { type: ['string', 'null'], maxLength: 5 },
        c: { type: 'array', items: { type: 'string', maxLength: STRING_MAX_LENGTH }, maxItems: ARRAY_MAX_ITEMS },
        d: { type: 'object', additionalProperties: { type: 'string', maxLength: STRING_MAX_LENGTH }, maxProperties: 1000 },
        e: { type: 'string', enum: ['x'] },
      },
    });
    expect(schema.properties.a).toEqual({ type: 'string' });
    expect(withDefaultLimits(schema, false).properties.c).toEqual({ type: 'array', items: { type: 'string', maxLength: STRING_MAX_LENGTH } });
  });
});
