import type SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifyServerOptions } from 'fastify';
import { createRequire } from 'node:module';
import { ADMIN_PREFIX } from '../config.js';
import { withDefaultLimits } from './limits.js';

// Compiling schemas is most of what building an app costs, and test suites build one per test.
// What one app compiled serves every later app in the process, keyed by the schema's JSON so that
// equal schemas built as different objects share too. And a schema is compiled on its route's
// first use, not at start-up: a server answers /health sooner, and a test compiles only what it calls.

// The compilers themselves (Ajv, fast-json-stringify: a third of the modules a start loads) are
// loaded for the first schema compiled, synchronously, as Fastify calls compilers.
const requireModule = createRequire(import.meta.url);

// Query strings and params are strings on the wire, so they are coerced; bodies never are,
// or "true" would pass as a boolean.
function makeAjv(coerceTypes: boolean | 'array'): Ajv {
  const { Ajv } = requireModule('ajv') as typeof import('ajv');
  const addFormats = requireModule('ajv-formats') as typeof import('ajv-formats').default;
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats(ajv);
  return ajv;
}
let ajvs: { strict: Ajv; coercing: Ajv } | undefined;
const ajvFor = (body: boolean): Ajv => {
  ajvs ??= { strict: makeAjv(false), coercing: makeAjv('array') };
  return body ? ajvs.strict : ajvs.coercing;
};
const validators = new Map<string, ValidateFunction>();

export const validatorCompiler = ({ schema, httpPart, url }: { schema: object; httpPart?: string; url?: string }): ValidateFunction => {
  const body = httpPart === 'body';
  const collections = !url?.startsWith(ADMIN_PREFIX + '/');
  const key = `${body ? 'body' : 'other'} ${collections} ${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) {
    validators.set(key, (validate = compiledOnFirstUse(() => ajvFor(body).compile(withDefaultLimits(schema, collections)))));
  }
  return validate;
};

type CompilersFactory = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
/** For `schemaController.compilersFactory` (typed there as an Ajv pool, but any factory of a validator compiler will do). */
export const buildValidator = (() => validatorCompiler) as unknown as CompilersFactory['buildValidator'];

// What every schema handed out so far needs to compile: for a test to prove they all do.
const pending: (() => unknown)[] = [];

/** Compiles every validator and serializer handed out so far; throws what a broken schema throws. */
export function compileAll(): void {
  for (const compile of pending) compile();
}

/** A validator that compiles on its first call; like Ajv's, it leaves its errors on itself. */
function compiledOnFirstUse(compileNow: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const compile = () => (compiled ??= compileNow());
  pending.push(compile);
  const validate = ((data: unknown) => {
    compile();
    const valid = compiled!(data);
    validate.errors = compiled!.errors;
    return valid;
  }) as ValidateFunction;
  return validate;
}

let buildDefault: SerializerSelector.SerializerFactory | undefined;
const serializers = new Map<string, SerializerSelector.Serializer>();

/**
 * fast-json-stringify serializers, shared the same way. Sound because every app registers the
 * same shared schemas (the targets of `Type.Ref`), from the same module constants.
 */
export const buildSerializer: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  let compileRoute: ReturnType<SerializerSelector.SerializerFactory> | undefined;
  const compile: typeof compileRoute = (route) => {
    buildDefault ??= (requireModule('@fastify/fast-json-stringify-compiler') as typeof import('@fastify/fast-json-stringify-compiler')).SerializerSelector();
    compileRoute ??= buildDefault(externalSchemas, options);
    return compileRoute(route);
  };
  return (route) => {
    const key = `${route.httpStatus} ${(route as { contentType?: string }).contentType ?? ''} ${JSON.stringify(route.schema)}`;
    let serialize = serializers.get(key);
    if (!serialize) {
      let compiled: SerializerSelector.Serializer | undefined;
      const compileNow = () => (compiled ??= compile(route));
      pending.push(compileNow);
      serializers.set(key, (serialize = (data) => compileNow()(data)));
    }
    return serialize;
  };
};
