import { ID_PREFIXES, type IdKind } from '../../src/ids.js';

/**
 * A valid, readable pinned id for seeds: the prefix, then a ULID made of `01HX` and the number
 * zero-padded (digits are valid Crockford base32). Numbering decides id order, not creation order.
 */
export function pinnedId(kind: IdKind, n: number): string {
  return ID_PREFIXES[kind] + '01HX' + String(n).padStart(22, '0');
}
