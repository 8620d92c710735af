import { Type, type Static, type StringOptions, type TSchema, type TString } from '@sinclair/typebox';
import { NAME_MAX_LENGTH, TAG_MAX_LENGTH, TAGS_MAX_ITEMS } from './limits.js';

/** `type: [T, 'null']` exactly as the spec writes nullable scalars (not anyOf), so our OpenAPI matches. */
export function Nullable<T extends TString | ReturnType<typeof Type.Boolean> | ReturnType<typeof Type.Integer>>(
  schema: T,
) {
  const { type, ...rest } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...rest, type: [type, 'null'] });
}

/** The name of a thing where the spec sets no limit: NAME_MAX_LENGTH (src/http/limits.ts). */
export const Name = (options: StringOptions = {}) => Type.String({ maxLength: NAME_MAX_LENGTH, ...options });

/** A flag's tags: TAGS_MAX_ITEMS of TAG_MAX_LENGTH characters at most. */
export const Tags = () => Type.Array(Type.String({ maxLength: TAG_MAX_LENGTH }), { maxItems: TAGS_MAX_ITEMS });

export const Timestamp = Type.String({ format: 'date-time', description: 'An ISO 8601 timestamp.' });

/** A string enum rendered as `{type: string, enum}` like the spec, typed as the literal union. */
export function StringEnum<const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const ErrorBody = Type.Object(
  { message: Type.String(), code: Type.Optional(Type.String()) },
  { additionalProperties: true, $id: undefined },
);

export const FieldErrorSchema = Type.Object({ field: Type.String(), code: Type.String(), message: Type.Optional(Type.String()) });

export const ListMetadata = Type.Object({
  before: Nullable(Type.String()),
  after: Nullable(Type.String()),
});

/** The list envelope every paginated route returns. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    list_metadata: ListMetadata,
  });
}

/** Metadata: up to 50 string values, keys up to 40 chars, values up to 600 (spec: Organization.metadata). */
export const Metadata = Type.Record(Type.String(), Type.String({ maxLength: 600 }), {
  maxProperties: 50,
  // A Record's key schema is not emitted as JSON Schema, so the key limit goes in propertyNames.
  propertyNames: { maxLength: 40 },
});

// spec: request metadata is `type: [object, null]` with string values; written out rather than as a
// TypeBox union so a bad value yields one field error, not one per union branch.
const metadataBody = (owner: string, values: object) => ({
  type: ['object', 'null'],
  additionalProperties: values,
  maxProperties: 50,
  propertyNames: { maxLength: 40 },
  description: `Object containing metadata key/value pairs associated with the ${owner}.`,
});

/** Metadata as a create body gives it: an object of strings, or null for none. */
export const MetadataInput = (owner: string) =>
  Type.Unsafe<Record<string, string> | null>(metadataBody(owner, { type: 'string', maxLength: 600 }));

/** Metadata as an update body gives it: merged into the stored keys; a null value deletes its key (WorkOS docs). */
export const MetadataPatch = (owner: string) =>
  Type.Unsafe<Record<string, string | null> | null>(metadataBody(owner, { type: ['string', 'null'], maxLength: 600 }));
