import { invalidRequest } from './errors.js';

/** One semantic-patch instruction of the expiring-user-targets PATCH, checked for shape. */
export type Instruction =
  | { kind: 'addExpireUserTargetDate' | 'updateExpireUserTargetDate'; flagKey: string; variationId: string; value: number; version?: number }
  | { kind: 'removeExpireUserTargetDate'; flagKey: string; variationId: string };

const KINDS = ['addExpireUserTargetDate', 'updateExpireUserTargetDate', 'removeExpireUserTargetDate'] as const;
// Unix milliseconds up to the end of year 9999, as the clock and ISO timestamps allow.
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * spec (InstructionUserRequest): `kind`, `flagKey`, `variationId` required; `value` (Unix ms)
 * for add and update; `version` only for update. A request with any malformed instruction is a
 * 400 and changes nothing; well-formed instructions that cannot apply fail one by one instead.
 */
export function parseInstructions(raw: readonly unknown[]): Instruction[] {
  return raw.map((item, i) => {
    const bad = (what: string) => invalidRequest(`instructions[${i}]: ${what}`);
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw bad('must be an object');
    const { kind, flagKey, variationId, value, version } = item as Record<string, unknown>;
    if (typeof kind !== 'string' || !(KINDS as readonly string[]).includes(kind)) throw bad(`kind must be one of ${KINDS.join(', ')}`);
    if (typeof flagKey !== 'string' || flagKey === '') throw bad('flagKey must be a non-empty string');
    if (typeof variationId !== 'string' || variationId === '') throw bad('variationId must be a non-empty string');
    if (kind === 'removeExpireUserTargetDate') return { kind, flagKey, variationId };
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > LAST_MS) {
      throw bad('value must be a time in Unix milliseconds');
    }
    if (version !== undefined && (kind !== 'updateExpireUserTargetDate' || typeof version !== 'number' || !Number.isInteger(version))) {
      throw bad(kind === 'updateExpireUserTargetDate' ? 'version must be an integer' : `version is only for updateExpireUserTargetDate`);
    }
    return { kind: kind as 'addExpireUserTargetDate' | 'updateExpireUserTargetDate', flagKey, variationId, value, ...(version !== undefined && { version }) };
  });
}
