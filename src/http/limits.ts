/**
 * Every limit and timeout the HTTP layer enforces, in one place (docs/reliability.md lists them).
 * Where the WorkOS spec sets a limit (maxLength, maxItems, maxProperties) the schemas carry it;
 * these are the ones it leaves open, chosen so no legitimate client comes near them.
 */

/** A request body larger than this answers 413. Admin imports of big flag sets fit comfortably. */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** JSON nested deeper than this answers 400 before anything walks it (validation, idempotency hashing). */
export const MAX_JSON_DEPTH = 64;

/** Names of things (organizations, flags, users' names, keys, environments) when the spec gives none. */
export const NAME_MAX_LENGTH = 255;

/** Tags of a flag: how many, and how long each. */
export const TAGS_MAX_ITEMS = 50;
export const TAG_MAX_LENGTH = 64;

/** Any other request string the spec leaves unbounded (descriptions, URLs, ids, …). */
export const STRING_MAX_LENGTH = 10_000;

/** Any request array the spec leaves unbounded (tags, domains, target lists, …). */
export const ARRAY_MAX_ITEMS = 1_000;

/** Any request object with free-form keys the spec leaves unbounded. */
export const OBJECT_MAX_PROPERTIES = 1_000;

/** A request whose headers and body have not fully arrived by then answers 408 and is closed. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** How often Node checks connections against the request timeout (its default, 30 s, would double it). */
export const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/** On shutdown, requests in flight get this long to finish; then every connection is closed. */
export const SHUTDOWN_GRACE_MS = 3_000;

type JsonSchema = Record<string, unknown>;

const typesOf = (schema: JsonSchema): unknown[] => (Array.isArray(schema.type) ? schema.type : [schema.type]);

/**
 * A copy of a request schema with the limits above wherever it sets none: every string gets
 * STRING_MAX_LENGTH, every array ARRAY_MAX_ITEMS, every free-form object OBJECT_MAX_PROPERTIES.
 * The validator compiler applies it to every route, so a route added later is bounded too and
 * its limit errors name the field like any other validation error. Limits a schema sets (the
 * spec's, or NAME_MAX_LENGTH) win. The published OpenAPI document keeps the schemas as written.
 * `collections: false` leaves arrays and objects to the body limit alone (the admin API takes
 * whole seed environments, thousands of users at once).
 */
export function withDefaultLimits<T>(schema: T, collections = true): T {
  if (Array.isArray(schema)) return schema.map((s) => withDefaultLimits(s, collections)) as T;
  if (!schema || typeof schema !== 'object') return schema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema as JsonSchema)) {
    // `properties` and `patternProperties` map names to schemas; `enum`/`const`/`default` are data.
    if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value as JsonSchema).map(([name, s]) => [name, withDefaultLimits(s, collections)]));
    } else if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') out[key] = value;
    else out[key] = withDefaultLimits(value, collections);
  }
  const types = typesOf(out);
  if (types.includes('string') && out.maxLength === undefined && out.enum === undefined && out.const === undefined) {
    out.maxLength = STRING_MAX_LENGTH;
  }
  if (!collections) return out as T;
  if (types.includes('array') && out.maxItems === undefined) out.maxItems = ARRAY_MAX_ITEMS;
  const freeForm = out.additionalProperties !== undefined && out.additionalProperties !== false;
  if ((freeForm || out.patternProperties) && out.maxProperties === undefined) out.maxProperties = OBJECT_MAX_PROPERTIES;
  return out as T;
}
