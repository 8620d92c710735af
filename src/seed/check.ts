import { checkReferences } from './references.js';
import type { SeedEnvironment } from './schema.js';
import { SeedError } from './seed-error.js';
import { normalizeSeed } from './validate.js';

// A CLI key the first environment already lists (or a repeated --api-key) says the same thing
// twice; only a key claimed by two environments, or listed twice in one, is a conflict.
export function keysOf(env: SeedEnvironment, i: number, defaultKeys: string[]): string[] {
  const own = env.api_keys ?? [];
  return i === 0 ? [...own, ...new Set(defaultKeys.filter((k) => !own.includes(k)))] : own;
}

/**
 * Every check of a seed document, with nothing written: its environments (named), or a
 * SeedError naming the entry and the reason. `defaultKeys` (from the CLI) go to the first environment.
 */
export function checkSeed(doc: unknown, defaultKeys: string[] = []): SeedEnvironment[] {
  const environments = normalizeSeed(doc);
  const names = new Set<string>();
  const keys = new Set<string>();
  environments.forEach((env, i) => {
    const label = environments.length > 1 ? `environments[${i}] (${env.name}): ` : '';
    if (names.has(env.name!)) throw new SeedError(`seed: ${label}duplicate environment name '${env.name}'`);
    names.add(env.name!);
    for (const key of keysOf(env, i, defaultKeys)) {
      if (keys.has(key)) throw new SeedError(`seed: ${label}api key '${key}' is given twice`, 'api_keys');
      keys.add(key);
    }
    checkReferences(env, label);
  });
  return environments;
}

/**
 * The checks of a seed running elsewhere (another thread, see parallel-check.ts) while this one
 * inserts. `verdict()` blocks until they are done and throws their SeedError if the seed is bad.
 */
export interface SeedCheckInProgress {
  verdict(): void;
  /** `sortedTargetLists` of the document, once the worker has them; undefined if it could not. */
  sortedTargets?(): string[][] | undefined;
  /** Stops the checks (the load failed before it needed them). */
  cancel(): void;
}
