import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// Compiling schemas is most of what building an app costs, and test suites build one per test.
// What one app compiled serves every later app in the process, keyed by the schema's JSON so that
// equal schemas built as different objects share too. And a schema is compiled on its route's
// first use, not at start-up: a server answers /health sooner, and a test compiles only what it calls.

// Query strings and params are strings on the wire, so they are coerced; bodies never are,
// or "true" would pass as a boolean.
function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  addFormats.default(ajv);
  return ajv;
}
const strictAjv = makeAjv(false);
const coercingAjv = makeAjv('array');
const validators = new Map<string, ValidateFunction>();

export const validatorCompiler = ({ schema, httpPart }: { schema: object; httpPart?: string }): ValidateFunction => {
  const body = httpPart === 'body';
  const key = `${body ? 'body' : 'other'} ${JSON.stringify(schema)}`;
  let validate = validators.get(key);
  if (!validate) validators.set(key, (validate = compiledOnFirstUse(() => (body ? strictAjv : coercingAjv).compile(schema))));
  return validate;
};

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

const buildDefault = SerializerSelector();
const serializers = new Map<string, SerializerSelector.Serializer>();

/**
 * fast-json-stringify serializers, shared the same way. Sound because every app registers the
 * same shared schemas (the targets of `Type.Ref`), from the same module constants.
 */
export const buildSerializer: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = buildDefault(externalSchemas, options);
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
