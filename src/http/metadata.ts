import { ApiError } from './errors.js';

/** spec: metadata (of organizations and users) holds at most 50 keys, after an update's merge too. */
export const METADATA_MAX_KEYS = 50;

/**
 * WorkOS: an update merges metadata (workos-node types user metadata values `string | null`); a key
 * set to null is removed, and `metadata: null` clears it all.
 */
export function mergeMetadata(
  current: Record<string, string>,
  patch: Record<string, string | null> | null,
): Record<string, string> {
  if (patch === null) return {};
  const merged = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  if (Object.keys(merged).length > METADATA_MAX_KEYS) {
    // spec: 400 invalid_metadata; the body itself passed validation, only the merged result is too big.
    throw new ApiError(400, {
      code: 'invalid_metadata',
      message: `Metadata can hold at most ${METADATA_MAX_KEYS} keys; this update would leave ${Object.keys(merged).length}.`,
    });
  }
  return merged;
}
