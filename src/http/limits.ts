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
export const SHUTDOWN_GRACE_MS = 5_000;
