import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { BODY_LIMIT_BYTES, MAX_JSON_DEPTH } from '../../src/http/limits.js';
import { rawRequest } from '../helpers/raw-http.js';

// What Node's HTTP layer and Fastify answer before a route runs: every answer JSON in the WorkOS
// shape with an X-Request-ID, and the route decided before the body is read.

let server: RunningFlagstand;
beforeAll(async () => {
  server = await startServer({ port: 0, logLevel: 'silent', apiKeys: ['sk_test_raw'] });
});
afterAll(() => server.close());

const auth = 'Authorization: Bearer sk_test_raw\r\n';
const expectJsonError = (res: { status: number; headers: Record<string, string>; body: string }, status: number, code?: string) => {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const body = JSON.parse(res.body);
  expect(typeof body.message).toBe('string');
  if (code) expect(body.code).toBe(code);
  return body;
};

describe("the HTTP layer's own errors", () => {
  it.each([
    ['an unknown Expect', `POST /organizations HTTP/1.1\r\nHost: x\r\n${auth}Expect: bogus\r\nContent-Length: 2\r\n\r\n{}`, 417, 'expectation_failed'],
    ['HTTP/1.1 without Host', `GET /health HTTP/1.1\r\n\r\n`, 400, 'invalid_request'],
    ['a request line that is not HTTP', `GARBAGE\r\n\r\n`, 400, 'invalid_request'],
    ['a header without a colon', `GET /health HTTP/1.1\r\nHost: x\r\nbroken\r\n\r\n`, 400, 'invalid_request'],
    ['two Content-Lengths', `POST /organizations HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, 400, 'invalid_request'],
    ['CONNECT (no proxy here)', `CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n`, 404, undefined],
    ['a lowercase method', `get /health HTTP/1.1\r\nHost: x\r\n\r\n`, 400, 'invalid_request'],
    ['an HTTP/2 preface on the HTTP/1 port', `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, 400, 'invalid_request'],
    ['a control character in a header', `GET /health HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n`, 400, 'invalid_request'],
    ['headers past the size limit', `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'request_headers_too_large'],
  ])('%s → JSON', async (_name, request, status, code) => {
    expectJsonError(await rawRequest(server.port, request), status, code);
  });

  it('Expect: 100-continue still works', async () => {
    const res = await rawRequest(server.port, `GET /health HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
    expect(res.raw).toMatch(/^HTTP\/1.1 100 Continue/);
  });
});

describe('the route is decided before the body is parsed', () => {
  it.each([
    ['malformed JSON', 'application/json', '{bad'],
    ['an unknown content type', 'text/weird', 'x'],
    ['a too deeply nested body', 'application/json', '['.repeat(1000) + ']'.repeat(1000)],
    ['a body past the size limit', 'application/json', `"${'x'.repeat(BODY_LIMIT_BYTES)}"`],
  ])('an unknown route with %s answers the unknown-route 404', async (_name, type, body) => {
    for (const path of ['/nope', '/organizations/org_1/nope']) {
      const res = await fetch(server.url + path, { method: 'POST', headers: { authorization: 'Bearer sk_test_raw', 'content-type': type }, body });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ message: `Cannot POST ${path}`, error: 'Not Found', statusCode: 404 });
    }
  });

  it('a known route with a too deeply nested body answers 400 naming the body, with or without an Idempotency-Key', async () => {
    const body = `{"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const key of [undefined, 'deep-1']) {
      const res = await fetch(server.url + '/organizations', {
        method: 'POST',
        headers: { authorization: 'Bearer sk_test_raw', 'content-type': 'application/json', ...(key && { 'idempotency-key': key }) },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'invalid_request_parameters', errors: [{ field: 'body', code: 'body_too_deep' }] });
    }
    // At the limit itself the body is read (and then fails the schema, not the parser).
    const atLimit = `{"name":${'['.repeat(MAX_JSON_DEPTH - 1)}${']'.repeat(MAX_JSON_DEPTH - 1)}}`;
    const res = await fetch(server.url + '/organizations', { method: 'POST', headers: { authorization: 'Bearer sk_test_raw', 'content-type': 'application/json' }, body: atLimit });
    expect(res.status).toBe(422);
  });
});
