import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

// Compiling schemas is most of what building an app costs, and test suites build one per test.
// What one app compiled serves every later app in the process, keyed by the schema's JSON so that
// equal schemas built as different objects share too.

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
  if (!validate) validators.set(key, (validate = (body ? strictAjv : coercingAjv).compile(schema)));
  return validate;
};

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
    if (!serialize) serializers.set(key, (serialize = compile(route)));
    return serialize;
  };
};
