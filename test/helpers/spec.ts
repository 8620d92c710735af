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
    // A union inside an allOf member is part of it too: its branches stay open, the allOf closes them.
    else if (part && (k === 'oneOf' || k === 'anyOf') && Array.isArray(v)) out[k] = v.map((n) => rewrite(n, close, true));
    else out[k] = rewrite(v, close);
  }
  // Fastify's serializer drops unknown fields, so only a closed schema catches a leaked column.
  if (close && !part && out.type === 'object' && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (close && !part && out.allOf && out.unevaluatedProperties === undefined) out.unevaluatedProperties = false;
  return out;
}

/**
 * Fields the newer spec (@workos/openapi-spec 0.61.0, read for facts only) adds to 0.1.0 components and
 * requires: served so answers validate under both, so the closed 0.1.0 schemas must admit them.
 * The ledger names each one; nothing else may leak past a closed schema.
 */
export const SPEC_061_ADDITIONS: Record<string, Record<string, Json>> = {
  // Organization API keys expire (null: never).
  ApiKey: { expires_at: { type: ['string', 'null'], format: 'date-time' } },
  OrganizationApiKey: { expires_at: { type: ['string', 'null'], format: 'date-time' } },
  OrganizationApiKeyWithValue: { expires_at: { type: ['string', 'null'], format: 'date-time' } },
  // Memberships list their roles (Multiple Roles); `role` stays the primary one.
  UserlandUserOrganizationMembership: {
    roles: { type: 'array', items: { $ref: '#/components/schemas/SlimRole' } },
  },
  // 0.61.0's UserRoleAssignment (what RoleAssignment became) names the membership and the source.
  RoleAssignment: {
    organization_membership_id: { type: 'string' },
    source: {
      type: 'object',
      properties: { type: { type: 'string', enum: ['direct', 'group'] }, group_role_assignment_id: { type: ['string', 'null'] } },
      required: ['type', 'group_role_assignment_id'],
    },
  },
};
type ObjectSchema = { properties?: Record<string, Json>; required?: string[] };
const keysOf = (schema: ObjectSchema) => Object.keys(schema.properties ?? {}).sort().join(',');
// Some operations inline a copy of the component (same fields): those copies get the additions too.
const inlineCopies = new Map<string, ObjectSchema[]>();
for (const op of operations.values()) {
  for (const [status, response] of Object.entries(op.responses)) {
    const schema = response.content?.['application/json']?.schema as ObjectSchema | undefined;
    if (status.startsWith('2') && schema?.properties) inlineCopies.set(keysOf(schema), [...(inlineCopies.get(keysOf(schema)) ?? []), schema]);
  }
}
// Event payloads are inline copies too (api_key.* data is an ApiKey).
for (const branch of (spec.components.schemas.EventSchema as { allOf: { oneOf?: { properties?: { data?: ObjectSchema } }[] }[] }).allOf[1].oneOf ?? []) {
  const data = branch.properties?.data;
  if (data?.properties) inlineCopies.set(keysOf(data), [...(inlineCopies.get(keysOf(data)) ?? []), data]);
}
/**
 * The same for event payloads: fields 0.61.0's event schemas add to a 0.1.0 event's data and
 * require (and SDK 12 reads), admitted in the closed 0.1.0 check of that event.
 */
export const SPEC_061_EVENT_ADDITIONS: Record<string, Record<string, Json>> = {
  // A permission's resource type (0.1.0's REST permission already has it; its events did not).
  'permission.created': { resource_type_slug: { type: 'string' } },
  'permission.updated': { resource_type_slug: { type: 'string' } },
  'permission.deleted': { resource_type_slug: { type: 'string' } },
};
for (const branch of (spec.components.schemas.EventSchema as { allOf: { oneOf: { properties: { event: { const: string }; data: ObjectSchema } }[] }[] }).allOf[1].oneOf) {
  const fields = SPEC_061_EVENT_ADDITIONS[branch.properties.event.const];
  if (!fields) continue;
  const data = branch.properties.data;
  for (const field of Object.keys(fields)) {
    if (field in (data.properties ?? {})) throw new Error(`SPEC_061_EVENT_ADDITIONS: ${branch.properties.event.const}.${field} is already in 0.1.0`);
  }
  data.properties = { ...data.properties, ...fields };
}
/** The ledger components' own 0.1.0 field names, taken before the additions go in. */
export const SPEC_010_FIELDS = new Map<string, Set<string>>();
for (const [component, fields] of Object.entries(SPEC_061_ADDITIONS)) {
  const schema = spec.components.schemas[component] as ObjectSchema | undefined;
  if (!schema) throw new Error(`SPEC_061_ADDITIONS: ${component} is not a component of the official spec`);
  for (const field of Object.keys(fields)) {
    if (field in (schema.properties ?? {})) throw new Error(`SPEC_061_ADDITIONS: ${component}.${field} is already in 0.1.0`);
  }
  SPEC_010_FIELDS.set(component, new Set(Object.keys(schema.properties ?? {})));
  // Admitted, not required: a 0.1.0 answer stays valid; contract tests assert the served fields themselves.
  for (const target of [schema, ...(inlineCopies.get(keysOf(schema)) ?? [])]) {
    target.properties = { ...target.properties, ...fields };
  }
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
