import http from 'node:http';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Db } from '../../src/db/open.js';

// A seeded fuzzer driven by openapi/flagstand.json: every operation it lists, plus unknown paths
// and wrong verbs, with hostile values, wrong types, odd encodings, content types and headers.
// New routes are covered as soon as the document lists them. Each request is drawn from the seed
// and its index, so a failure names what to replay (`npm run fuzz -- --seed S --runs N`).

type Schema = Record<string, unknown>;

interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body?: Schema;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** What it was drawn from, for the report. */
  operation: string;
}

export interface FuzzFailure {
  index: number;
  operation: string;
  request: { method: string; path: string; headers: Record<string, string>; body?: string };
  problem: string;
  status?: number;
  response?: string;
}

const DOC_PATH = new URL('../../openapi/flagstand.json', import.meta.url);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

export function readOperations(): { operations: Operation[]; components: Record<string, Schema> } {
  const doc = JSON.parse(readFileSync(DOC_PATH, 'utf8'));
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Record<string, Schema>>(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as { parameters?: Operation['params']; requestBody?: { content: Record<string, { schema: Schema }> } };
      if (!op) continue;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
      });
    }
  }
  return { operations, components: doc.components?.schemas ?? {} };
}

/** Ids, slugs and external ids seen in answers: path and body values that hit existing rows. */
export class Pool {
  readonly values: string[] = [];
  private readonly seen = new Set<string>();
  add(value: unknown): void {
    if (typeof value !== 'string' || this.seen.has(value) || value.startsWith('environment_')) return;
    this.seen.add(value);
    this.values.push(value);
  }
  /** Walks an answer for `id`, `slug`, `external_id` and `*_id` string fields. */
  harvest(body: unknown, depth = 0): void {
    if (depth > 6 || !body || typeof body !== 'object') return;
    if (Array.isArray(body)) return body.forEach((item) => this.harvest(item, depth + 1));
    for (const [key, value] of Object.entries(body)) {
      if (key === 'id' || key === 'slug' || key === 'external_id' || (key.endsWith('_id') && key !== 'environment_id')) this.add(value);
      else this.harvest(value, depth + 1);
    }
  }
  pick(n: number): string | undefined {
    return this.values.length ? this.values[n % this.values.length] : undefined;
  }
}

// Strings that have broken parsers, routers and SQL before.
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'null', 'undefined', 'true', '0', '-1', '1e309', 'NaN', "' OR 1=1 --", '"; DROP TABLE organizations; --',
  '../../etc/passwd', '%00', '%', '%ZZ', '\\', '/', '?', '#', '__proto__', 'constructor', 'prototype', '{}', '[]',
  '<script>alert(1)</script>', '${7*7}', '\u202e\u0301\ufeff', '𝕳𝖊𝖑𝖑𝖔', '\ud800', '\udfff', 'a'.repeat(300), 'x'.repeat(5000),
  'org_', 'user_', 'flag_', 'om_', 'org_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'user_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'sk_test_default', 'current',
];

/** Percent-encodes as UTF-8; a lone surrogate (which encodeURIComponent refuses) goes as its replacement character. */
function pct(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'));
  }
}

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  // Long strings built by repetition: drawing thousands of graphemes one by one is slow.
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }), fc.integer({ min: 50, max: 600 })).map(([s, n]) => s.repeat(n)) },
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}, [[[]]], { __proto__: { x: 1 } }),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 5 }),
  fc.integer({ min: 2, max: 60 }).map((depth) => JSON.parse('['.repeat(depth) + ']'.repeat(depth))),
);

/** A value for a schema: mostly one that fits it, sometimes anything at all. */
function valueFor(schema: Schema | undefined, components: Record<string, Schema>, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return hostileValue;
  if (typeof schema.$ref === 'string') return valueFor(components[schema.$ref.split('/').pop()!], components, depth + 1);
  const fitting = fittingValue(schema, components, depth);
  return fc.oneof({ weight: 12, arbitrary: fitting }, { weight: 1, arbitrary: hostileValue });
}

function fittingValue(schema: Schema, components: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (variants?.length) return fc.oneof(...variants.map((s) => valueFor(s, components, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type ?? 'object']) as string[];
  return fc.oneof(...types.map((type) => typedValue(type, schema, components, depth)));
}

function typedValue(type: string, schema: Schema, components: Record<string, Schema>, depth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: (schema.minimum as number) ?? -10, max: (schema.maximum as number) ?? 1000 });
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'string': {
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'email' || /email/.test(String(schema.description ?? ''))) return fc.emailAddress();
      const max = Math.min((schema.maxLength as number) ?? 24, 64);
      return fc.oneof(fc.string({ minLength: (schema.minLength as number) ?? 0, maxLength: max }), fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-'), minLength: 1, maxLength: 20 }));
    }
    case 'array':
      return fc.array(valueFor(schema.items as Schema, components, depth + 1), { maxLength: 4 });
    default: {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, s] of Object.entries(properties)) record[name] = valueFor(s, components, depth + 1);
      const known = fc.record(record, { requiredKeys: [...required].filter((k) => k in record) });
      const extra = fc.dictionary(fc.string({ maxLength: 10 }), hostileValue, { maxKeys: 2 });
      return fc.oneof({ weight: 4, arbitrary: known }, { weight: 1, arbitrary: fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a })) });
    }
  }
}

const RAW_BODIES = ['', ' ', 'null', '{', '{"a":1,}', '[]', '"text"', '123', '{"name":"\\ud800"}', '\ufeff{}', '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}'];

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1',
  'application/json;;', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '*/*', ''];

/** The arbitrary of one request against `operations`, with `pool` supplying live values and `key` the caller's key. */
export function requestArbitrary(operations: Operation[], components: Record<string, Schema>, pool: Pool, key: string): fc.Arbitrary<FuzzRequest> {
  const pathValue = fc.oneof(
    { weight: 10, arbitrary: fc.nat().map((n) => pool.pick(n) ?? 'missing') },
    { weight: 3, arbitrary: hostileString.map((s) => pct(s)) },
    { weight: 1, arbitrary: fc.constantFrom('%E0%A4%A', '%', '%%', '..', '.', '%2F', 'a%2Fb', 'current', 'x'.repeat(3000)) },
  ) as fc.Arbitrary<string>;

  const queryValue = (schema: Schema) =>
    fc.oneof(
      { weight: 4, arbitrary: valueFor(schema, components).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')) },
      { weight: 1, arbitrary: fc.nat().map((n) => pool.pick(n) ?? '') },
      { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    );

  const operationRequest = (op: Operation): fc.Arbitrary<FuzzRequest> => {
    const pathParams = op.params.filter((p) => p.in === 'path');
    const queryParams = op.params.filter((p) => p.in === 'query');
    const path = fc.tuple(...pathParams.map(() => pathValue)).map((values) => {
      let p = op.path;
      pathParams.forEach((param, i) => (p = p.replace(`{${param.name}}`, values[i])));
      return p;
    });
    const query = fc
      .tuple(
        ...queryParams.map((param) => fc.option(fc.tuple(fc.constant(param.name), queryValue(param.schema), fc.boolean()), { freq: 2 })),
        fc.option(fc.tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.constantFrom(...HOSTILE_STRINGS), fc.constant(false)), { freq: 8 }),
      )
      .map((entries) => {
        const parts: string[] = [];
        for (const entry of entries) {
          if (!entry) continue;
          const [name, value, twice] = entry;
          const part = `${pct(name)}=${pct(value)}`;
          parts.push(part);
          if (twice) parts.push(part);
        }
        return parts.length ? `?${parts.join('&')}` : '';
      });
    const body = fc.oneof(
      { weight: 8, arbitrary: valueFor(op.body, components).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map((s) => Buffer.from(s)) },
      { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), Buffer.from('{"name":"\xe9"}', 'latin1')) },
    );
    const wantsBody = op.body !== undefined || op.method !== 'GET';
    return fc
      .record({
        path,
        query,
        body: wantsBody ? fc.option(body, { freq: 8 }) : fc.option(body, { freq: 1, nil: undefined }),
        contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
        headers: headersArbitrary(key),
        method: fc.oneof({ weight: 12, arbitrary: fc.constant(op.method) }, { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') }),
      })
      .map(({ path, query, body, contentType, headers, method }) => ({
        method,
        path: path + query,
        headers: { ...(body !== undefined && body !== null && contentType ? { 'content-type': contentType } : {}), ...headers },
        body: body ?? undefined,
        operation: `${op.method} ${op.path}`,
      }));
  };

  const unknownRoute: fc.Arbitrary<FuzzRequest> = fc
    .record({
      path: fc.array(fc.oneof(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_'), minLength: 1, maxLength: 12 }), pathValue), { minLength: 1, maxLength: 4 }),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
      body: fc.option(fc.constantFrom(...RAW_BODIES), { nil: undefined }),
      headers: headersArbitrary(key),
    })
    .map(({ path, method, body, headers }) => ({
      method,
      path: '/' + path.join('/'),
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : Buffer.from(body),
      operation: 'unknown route',
    }));

  return fc.oneof({ weight: 12, arbitrary: fc.oneof(...operations.map(operationRequest)) }, { weight: 1, arbitrary: unknownRoute });
}

function headersArbitrary(key: string): fc.Arbitrary<Record<string, string>> {
  const authorization = fc.oneof(
    { weight: 14, arbitrary: fc.constant(`Bearer ${key}`) },
    { weight: 1, arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', `bearer ${key}`, `Basic ${key}`, 'Bearer sk_test_wrong', `Bearer ${key} extra`) },
  );
  const idempotencyKey = fc.option(fc.oneof(fc.constantFrom('k1', 'k2', 'k3'), fc.string({ unit: 'binary-ascii', maxLength: 300 })), { freq: 4 });
  const extra = fc.option(
    fc.constantFrom<Record<string, string>>(
      { accept: 'text/html' },
      { accept: 'application/xml;q=1, */*;q=0' },
      { 'content-encoding': 'gzip' },
      { 'accept-encoding': 'br, gzip, deflate' },
      { 'x-request-id': 'spoofed' },
      { 'transfer-encoding': 'chunked' },
      { 'x-http-method-override': 'DELETE' },
      { cookie: 'a=b' },
    ),
    { freq: 3 },
  );
  return fc.record({ authorization, idempotencyKey, extra }).map(({ authorization, idempotencyKey, extra }) => ({
    ...(authorization ? { authorization } : {}),
    ...(idempotencyKey !== null ? { 'idempotency-key': idempotencyKey } : {}),
    ...(extra ?? {}),
  }));
}

export interface SendResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends one request over a keep-alive agent; rejects when no answer comes within `timeoutMs`. */
export function send(base: URL, agent: http.Agent, req: FuzzRequest, timeoutMs: number): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body && !headers['transfer-encoding']) headers['content-length'] = req.body.length;
    const request = http.request(
      { host: base.hostname, port: base.port, method: req.method, path: req.path, headers, agent, timeout: timeoutMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms (hang)`)));
    request.on('error', reject);
    request.end(req.body);
  });
}

/** What is wrong with an answer, or undefined: a 5xx, a body that is not JSON, an error without `message`, no request id. */
export function problemWith(req: FuzzRequest, res: SendResult): string | undefined {
  if (res.status >= 500) return `status ${res.status}`;
  if (!res.headers['x-request-id']) return 'no X-Request-ID';
  if (req.method === 'HEAD' || res.status === 204) return res.body === '' ? undefined : 'a body on HEAD/204';
  // A success may carry no body (WorkOS answers some deletes 202 with none); an error never.
  if (res.status < 300 && res.body === '') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    return 'a body that is not JSON';
  }
  if (!String(res.headers['content-type']).startsWith('application/json')) return `content-type ${res.headers['content-type']}`;
  if (res.status >= 400 && typeof (body as { message?: unknown })?.message !== 'string') return 'an error without a message';
  return undefined;
}

export interface FuzzOptions {
  url: string;
  key: string;
  seed: number;
  runs: number;
  /** Per request; past it the request counts as a hang. */
  timeoutMs?: number;
  /** Values to start the pool with (ids of seeded rows). */
  poolSeed?: string[];
}

/** Runs `runs` requests drawn from `seed` one after another; returns every failure. */
export async function fuzz(options: FuzzOptions): Promise<{ failures: FuzzFailure[]; statuses: Record<number, number> }> {
  const { operations, components } = readOperations();
  const pool = new Pool();
  for (const value of options.poolSeed ?? []) pool.add(value);
  const requests = fc.sample(requestArbitrary(operations, components, pool, options.key), { seed: options.seed, numRuns: options.runs });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const base = new URL(options.url);
  const failures: FuzzFailure[] = [];
  const statuses: Record<number, number> = {};
  try {
    for (const [index, req] of requests.entries()) {
      const report = (problem: string, res?: SendResult) =>
        failures.push({
          index,
          operation: req.operation,
          request: { method: req.method, path: req.path, headers: req.headers, body: req.body?.toString('utf8').slice(0, 500) },
          problem,
          status: res?.status,
          response: res?.body.slice(0, 500),
        });
      let res: SendResult;
      try {
        res = await send(base, agent, req, options.timeoutMs ?? 5_000);
      } catch (err) {
        // The client refusing to send (an invalid header value) is not the server's fault.
        if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_INVALID') || (err as NodeJS.ErrnoException).code === 'ERR_UNESCAPED_CHARACTERS') continue;
        report(`no answer: ${(err as Error).message}`);
        continue;
      }
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      const problem = problemWith(req, res);
      if (problem) report(problem, res);
      else if (res.status < 300) {
        try {
          pool.harvest(JSON.parse(res.body));
        } catch {}
      }
    }
  } finally {
    agent.destroy();
  }
  return { failures, statuses };
}

/** Every row of every table that belongs to `environmentId` (a column `environment_id`), for before/after comparison. */
export function rowsOf(db: Db, environmentId: string): Record<string, unknown[]> {
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${name}')`).all().map((c) => c.name);
    if (!columns.includes('environment_id')) continue;
    out[name] = db.prepare(`SELECT * FROM "${name}" WHERE environment_id = ? ORDER BY ${columns.map((c) => `"${c}"`).join(', ')}`).all(environmentId);
  }
  return out;
}
