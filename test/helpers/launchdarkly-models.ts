import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { expect } from 'vitest';

// LaunchDarkly publishes no OpenAPI document on npm; its official client's generated `api.ts`
// (launchdarkly-api-typescript) is the machine-readable contract here: every model interface with
// its fields, required or optional (`?`), and every operation's path and method. Read from
// node_modules, never copied.

const require = createRequire(import.meta.url);
const source = readFileSync(join(dirname(require.resolve('launchdarkly-api-typescript/package.json')), 'api.ts'), 'utf8');

interface Field {
  name: string;
  required: boolean;
  /** The TypeScript type as written, e.g. `string`, `Array<ExpiringUserTargetItem>`, `{ [key: string]: Link; }`. */
  type: string;
}

const models = new Map<string, Field[]>();
for (const m of source.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
  const fields = [...m[2].matchAll(/^ {4}'([^']+)'(\??): (.+);$/gm)].map((f) => ({ name: f[1], required: f[2] === '', type: f[3] }));
  models.set(m[1], fields);
}

export function modelFields(name: string): Field[] {
  const fields = models.get(name);
  if (!fields) throw new Error(`launchdarkly-api-typescript has no model ${name}`);
  return fields;
}

/** The path and method the official client sends for one of its operations, e.g. `getUserFlagSettings`. */
export function clientOperation(name: string): { method: string; path: string } {
  const start = source.indexOf(`        ${name}: async (`);
  if (start < 0) throw new Error(`launchdarkly-api-typescript has no operation ${name}`);
  const body = source.slice(start, source.indexOf('\n        },', start));
  const path = /const localVarPath = `([^`]+)`/.exec(body)![1];
  const method = /method: '(\w+)'/.exec(body)![1];
  return { method, path };
}

const MODEL_OF = /^(?:Array<(\w+)>|\{ \[key: string\]: (\w+); \}|(\w+))$/;

/**
 * Checks a body against a model of the official client, recursively through the models it names:
 * every required field present, no field the model lacks (a leak), scalars of the right type.
 */
export function expectModel(body: unknown, name: string, path = name): void {
  expect(body, path).toBeTypeOf('object');
  expect(body, path).not.toBeNull();
  const fields = modelFields(name);
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    expect(fields.map((f) => f.name), `${path}.${key} is not a field of ${name}`).toContain(key);
  }
  for (const field of fields) {
    const value = record[field.name];
    if (value === undefined) {
      expect(field.required, `${path}.${field.name} is required by ${name}`).toBe(false);
      continue;
    }
    expectType(value, field.type, `${path}.${field.name}`);
  }
}

function expectType(value: unknown, type: string, path: string): void {
  if (type === 'any') return;
  if (type === 'string' || type === 'number' || type === 'boolean') return void expect(typeof value, path).toBe(type);
  const m = MODEL_OF.exec(type);
  if (!m) throw new Error(`${path}: type ${type} not understood`);
  const [, arrayOf, mapOf, model] = m;
  if (arrayOf) {
    expect(Array.isArray(value), path).toBe(true);
    (value as unknown[]).forEach((item, i) => expectType(item, arrayOf, `${path}[${i}]`));
  } else if (mapOf) {
    expect(typeof value === 'object' && value !== null && !Array.isArray(value), path).toBe(true);
    for (const [k, v] of Object.entries(value as object)) expectType(v, mapOf, `${path}.${k}`);
  } else if (['string', 'number', 'boolean'].includes(model)) {
    expect(typeof value, path).toBe(model);
  } else if (models.has(model)) {
    expectModel(value, model, path);
  } else {
    // An enum type alias (e.g. FeatureFlagKindEnum): a string.
    expect(typeof value, path).toBe('string');
  }
}
