import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { Type } from '@sinclair/typebox';
import { fieldErrorsFromAjv } from '../http/errors.js';
import { SeedEnvironment } from './schema.js';
import { SeedError } from './seed-error.js';

// The seed document's shape, checked against its TypeBox schema (see schema.ts).

const requireModule = createRequire(import.meta.url);

// Loaded and compiled for the first seed with content: most starts load none, and both cost start-up time.
let checkers: { environment: ValidateFunction<SeedEnvironment>; environments: ValidateFunction } | undefined;
function seedCheckers() {
  if (!checkers) {
    const { Ajv } = requireModule('ajv') as typeof import('ajv');
    const addFormats = requireModule('ajv-formats') as typeof import('ajv-formats').default;
    // Unoptimized code without inlined refs compiles in a third of the time; start-up waits for it.
    const ajv = new Ajv({ allErrors: false, strict: false, inlineRefs: false, code: { optimize: false } });
    addFormats(ajv);
    checkers = {
      environment: ajv.compile<SeedEnvironment>(SeedEnvironment),
      environments: ajv.compile(
        Type.Object({ environments: Type.Array(Type.Unknown(), { minItems: 1 }) }, { additionalProperties: false }),
      ),
    };
  }
  return checkers;
}

/**
 * The most telling of AJV's errors: for a union (a target given as string or object) AJV reports
 * every branch, and "must be string" is no help when an object with an unknown field was given.
 */
function telling(errors: ErrorObject[]): ErrorObject {
  const rank = (e: ErrorObject) => (e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 2 : e.keyword === 'type' ? 1 : 0);
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  return [...errors].sort((a, b) => depth(b) - depth(a) || rank(a) - rank(b))[0];
}

/** "seed: <entry path>: <reason>", the path under `base` (an environment label, or nothing). */
function where(errors: ErrorObject[], base: string): string {
  const error = telling(errors);
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('');
  const extra = error.params as { additionalProperty?: string };
  const detail = extra.additionalProperty ? `unknown field '${extra.additionalProperty}'` : error.message;
  const entry = (base + path).replace(/^\./, '');
  return entry ? `seed: ${entry}: ${detail}` : `seed: ${detail}`;
}

/** The dotted field of the most telling error, as API field errors name it. */
const ajvField = (errors: ErrorObject[]) => fieldErrorsFromAjv([telling(errors)])[0].field;

/** Validates the document's shape and returns its environments (a top-level document is one, named "default"). */
export function normalizeSeed(doc: unknown): SeedEnvironment[] {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new SeedError('seed: the document must be an object');
  // An empty document (a start without --seed) is one empty environment: no need to compile the checks.
  if (Object.keys(doc).length === 0) return [{ name: 'default' }];
  const { environment: checkEnvironment, environments: checkEnvironments } = seedCheckers();
  if ('environments' in doc) {
    if (!checkEnvironments(doc)) throw new SeedError(where(checkEnvironments.errors!, ''));
    const list = (doc as { environments: unknown[] }).environments;
    return list.map((env, i) => {
      if (!checkEnvironment(env)) {
        const errors = checkEnvironment.errors!;
        throw new SeedError(where(errors, `environments[${i}]`), `environments.${i}.${ajvField(errors)}`);
      }
      return named(env, i);
    });
  }
  if (!checkEnvironment(doc)) throw new SeedError(where(checkEnvironment.errors!, ''), ajvField(checkEnvironment.errors!));
  return [named(doc, 0)];
}

/** An environment with its name: its own, else `default` for the first and `environment-N` after. */
export function named(env: SeedEnvironment, i: number): SeedEnvironment {
  return { ...env, name: env.name ?? (i === 0 ? 'default' : `environment-${i + 1}`) };
}

/**
 * A document's environments as the loader reads them, before any check: undefined when the
 * document is not even shaped like a seed (the checks will say why).
 */
export function uncheckedEnvironments(doc: unknown): SeedEnvironment[] | undefined {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(doc)) return undefined;
  if (!('environments' in doc)) return [named(doc as SeedEnvironment, 0)];
  const list = doc.environments;
  if (!Array.isArray(list) || !list.every(isObject)) return undefined;
  return list.map((env, i) => named(env as SeedEnvironment, i));
}
