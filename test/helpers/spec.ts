import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { expect } from 'vitest';

// The official spec, read from the devDependency, never copied into the repo.
const require = createRequire(import.meta.url);
const specPath = require.resolve('@workos/openapi-spec/spec');

type Json = Record<string, unknown>;
interface Operation {
  operationId: string;
  method: string;
  path: string;
  responses: Record<string, { content?: { 'application/json'?: { schema?: Json } } }>;
}

export const spec = parse(readFileSync(specPath, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json> };
};

export const operations = new Map<string, Operation>();
for (const [path, item] of Object.entries(spec.paths)) {
  for (const [method, op] of Object.entries(item)) {
    if (op && typeof op === 'object' && 'operationId' in op) operations.set(op.operationId, { ...op, method, path });
  }
}

/**
 * Rewrites component refs to the shared `workos` document; `close` adds additionalProperties: false.
 * `part` marks a direct member of an allOf: it stays open, and the allOf is closed as a whole with
 * unevaluatedProperties (closing each member would make `allOf: [{object}, {data}]` unsatisfiable).
 */
function rewrite(node: unknown, close: boolean, part = false): unknown {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, close));
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace('#/components/schemas/', `workos-${close ? 'closed' : 'open'}#/$defs/`);
    // The spec repeats some `required` entries, which AJV rejects as a schema error.
    else if (k === 'required' && Array.isArray(v)) out[k] = [...new Set(v)];
    else if (k === 'example' || k === 'examples' || k.startsWith('x-')) continue;
    else if (k === 'allOf' && Array.isArray(v)) out[k] = v.map((n) => rewrite(n, close, true));
    else out[k] = rewrite(v, close);
  }
  // Fastify's serializer drops unknown fields, so only a closed schema catches a leaked column.
  if (close && !part && out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (close && !part && out.allOf && out.unevaluatedProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
addFormats.default(ajv);
for (const close of [true, false]) {
  ajv.addSchema({ $id: `workos-${close ? 'closed' : 'open'}`, $defs: rewrite(spec.components.schemas, close) as Json });
}

const compiled = new Map<string, ValidateFunction>();

/** The official response schema of an operation and status, closed for 2xx. */
export function responseValidator(operationId: string, status: number): ValidateFunction | undefined {
  const key = `${operationId} ${status}`;
  if (compiled.has(key)) return compiled.get(key);
  const op = operations.get(operationId);
  if (!op) throw new Error(`operation ${operationId} is not in the official spec`);
  const response = op.responses[String(status)];
  if (!response) throw new Error(`the official spec gives ${operationId} no ${status} response`);
  const schema = response.content?.['application/json']?.schema;
  const validate = schema ? ajv.compile(rewrite(schema, status < 300) as Json) : undefined;
  compiled.set(key, validate!);
  return validate;
}

interface ResponseLike {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Asserts status, X-Request-ID, JSON content and that the body matches the official spec. */
export function expectSpec(res: ResponseLike, operationId: string, status: number): unknown {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['x-request-id']).toBeTruthy();
  const validate = responseValidator(operationId, status);
  if (!validate) {
    expect(res.body).toBe('');
    return undefined;
  }
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as unknown;
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${operationId} ${status}: ${res.body}`).toEqual([]);
  return body;
}

/** A validator for any schema of the spec (one branch of EventSchema's oneOf, say); closed by default. */
export function specSchemaValidator(schema: Json, close = true): ValidateFunction {
  return ajv.compile(rewrite(schema, close) as Json);
}
