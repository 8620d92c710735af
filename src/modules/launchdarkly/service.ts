import { ApiError } from '../../http/errors.js';
import type { Page } from '../../http/pagination.js';
import type { Environment } from '../environments/store.js';
import type { ExpiryService } from '../expiry-sweeper/service.js';
import type { TargetExpiry } from '../expiry-sweeper/store.js';
import type { FlagService } from '../feature-flags/service.js';
import type { Flag } from '../feature-flags/store.js';
import { notFound } from './errors.js';
import type { Instruction } from './instructions.js';
import { variationValue } from './variation-ids.js';

/** The only project flagstand has: every environment's flags are in it. */
export const PROJECT_KEY = 'default';

/** What the dialect needs to know of users: a LaunchDarkly user key is a user's id, external id or email. */
export interface UserDirectory {
  byId(environmentId: string, id: string): { id: string } | undefined;
  byExternalId(environmentId: string, externalId: string): { id: string } | undefined;
  byEmail(environmentId: string, email: string): { id: string } | undefined;
}

export interface FlagSetting {
  flag: Flag;
  /** What the user gets. */
  value: boolean;
  /** The user's explicit target, or null. */
  setting: boolean | null;
}

export interface LaunchDarklyService {
  /**
   * The environment a path names, which must be the caller's own (by name or LaunchDarkly key), in
   * the `default` project. Anything else is a 404: another key's environment is never revealed.
   * Without an environment key, only the project is checked.
   */
  scope(callerEnvironmentId: string, projectKey: string, environmentKey: string | undefined): string;
  /** Every flag, in creation order, as it evaluates for the user. */
  settings(environmentId: string, userKey: string): FlagSetting[];
  setting(environmentId: string, userKey: string, flagKey: string): FlagSetting;
  /** true/false: the user's explicit target on/off; null: no explicit target. */
  put(environmentId: string, userKey: string, flagKey: string, setting: boolean | null): void;
  flag(environmentId: string, flagKey: string): Flag;
  /** The user's scheduled target removals; none for a key flagstand does not know. */
  expiring(environmentId: string, userKey: string): TargetExpiry[];
  /** Applies the instructions in order, in one transaction; a failed one changes nothing and is reported. */
  patchExpiring(environmentId: string, userKey: string, instructions: Instruction[]): PatchOutcome;
}

export interface PatchOutcome {
  items: TargetExpiry[];
  errors: { instructionIndex: number; message: string }[];
}

/** A well-formed instruction that cannot apply: reported in the answer's `errors`, the others still apply. */
class InstructionFailure extends Error {}

const PAGE = { limit: 100, order: 'asc' } as const;

/** Every row of a paginated list, page after page. */
function everyRow(page: (after: string | undefined) => Page<Flag>): Flag[] {
  const rows: Flag[] = [];
  let after: string | undefined;
  do {
    const next = page(after);
    rows.push(...next.rows);
    after = next.after ?? undefined;
  } while (after);
  return rows;
}

/**
 * The LaunchDarkly User Settings dialect over the flag service's public operations: the same
 * evaluation (the user's flag list) and the same targets (add/remove, explicit off) as the WorkOS
 * routes, so a change through either is seen by both at once.
 */
export function createLaunchDarklyService(deps: {
  flags: FlagService;
  users: UserDirectory;
  expiry: ExpiryService;
  environmentById(id: string): Environment | undefined;
}): LaunchDarklyService {
  const { flags, users, expiry } = deps;

  const userIdOf = (environmentId: string, userKey: string): string | undefined =>
    (users.byId(environmentId, userKey) ??
      users.byExternalId(environmentId, userKey) ??
      users.byEmail(environmentId, userKey.toLowerCase()))?.id;

  const requireUser = (environmentId: string, userKey: string): string => {
    const id = userIdOf(environmentId, userKey);
    if (!id) throw notFound();
    return id;
  };

  // The flag service's WorkOS-shaped 404 becomes LaunchDarkly's in this module's error handler.
  const requireFlag = (environmentId: string, flagKey: string): Flag => flags.get(environmentId, flagKey);

  const allFlags = (environmentId: string) => everyRow((after) => flags.list(environmentId, { ...PAGE, after }));

  /** The flags on for the user and the user's explicit targets; none of either for a key flagstand does not know. */
  const evaluation = (environmentId: string, userKey: string) => {
    const userId = userIdOf(environmentId, userKey);
    if (!userId) return undefined;
    const on = new Set(everyRow((after) => flags.listForUser(environmentId, userId, { ...PAGE, after })).map((f) => f.id));
    const targets = new Map(flags.userTargets(environmentId, userId).map((t) => [t.slug, t.enabled]));
    return { on, targets };
  };

  // LaunchDarkly computes an unknown key's values from the key alone: here, a user with no
  // targets and no memberships, which gets the default of each enabled flag.
  const settingOf = (flag: Flag, known: ReturnType<typeof evaluation>): FlagSetting => ({
    flag,
    value: known ? known.on.has(flag.id) : flag.enabled && flag.default_value,
    setting: known?.targets.get(flag.slug) ?? null,
  });

  return {
    scope(callerEnvironmentId, projectKey, environmentKey) {
      const env = deps.environmentById(callerEnvironmentId);
      const named = environmentKey === undefined || environmentKey === env?.name || environmentKey === env?.launchdarkly_key;
      if (projectKey !== PROJECT_KEY || !env || !named) {
        throw notFound();
      }
      return env.id;
    },

    settings(environmentId, userKey) {
      const known = evaluation(environmentId, userKey);
      return allFlags(environmentId).map((flag) => settingOf(flag, known));
    },

    setting(environmentId, userKey, flagKey) {
      const flag = requireFlag(environmentId, flagKey);
      return settingOf(flag, evaluation(environmentId, userKey));
    },

    put(environmentId, userKey, flagKey, setting) {
      const flag = requireFlag(environmentId, flagKey);
      const userId = requireUser(environmentId, userKey);
      if (setting === null) flags.removeTarget(environmentId, flag.slug, userId);
      else flags.setTarget(environmentId, flag.slug, userId, setting);
    },

    flag: requireFlag,

    expiring(environmentId, userKey) {
      const userId = userIdOf(environmentId, userKey);
      return userId ? expiry.ofUser(environmentId, userId) : [];
    },

    patchExpiring(environmentId, userKey, instructions) {
      const userId = requireUser(environmentId, userKey);
      const apply = (instruction: Instruction) => {
        const fail = (message: string) => new InstructionFailure(message);
        let flag: Flag;
        try {
          flag = flags.get(environmentId, instruction.flagKey);
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) throw fail(`flag '${instruction.flagKey}' not found`);
          throw err;
        }
        const value = variationValue(flag.slug, instruction.variationId);
        if (value === undefined) throw fail(`variation '${instruction.variationId}' not found on flag '${flag.slug}'`);
        const target = expiry.targetOf(environmentId, flag.id, userId);
        // spec: "The user must already be individually targeted for each flag", on that variation.
        if (!target) throw fail(`user '${userKey}' is not individually targeted on flag '${flag.slug}'`);
        if (target.value !== value) throw fail(`user '${userKey}' is individually targeted on another variation of flag '${flag.slug}'`);
        switch (instruction.kind) {
          case 'addExpireUserTargetDate':
            if (target.expires_at !== null) throw fail(`user '${userKey}' already has a removal date on flag '${flag.slug}'; use updateExpireUserTargetDate`);
            return expiry.schedule(environmentId, target, new Date(instruction.value).toISOString());
          case 'updateExpireUserTargetDate':
            if (target.expires_at === null) throw fail(`user '${userKey}' has no removal date on flag '${flag.slug}' to update`);
            if (instruction.version !== undefined && instruction.version !== target.version) {
              throw fail(`version ${instruction.version} does not match the current version ${target.version}`);
            }
            return expiry.schedule(environmentId, target, new Date(instruction.value).toISOString());
          case 'removeExpireUserTargetDate':
            if (target.expires_at === null) throw fail(`user '${userKey}' has no removal date on flag '${flag.slug}' to remove`);
            return expiry.schedule(environmentId, target, null);
        }
      };
      const errors: PatchOutcome['errors'] = [];
      expiry.apply(environmentId, () =>
        instructions.forEach((instruction, instructionIndex) => {
          try {
            apply(instruction);
          } catch (err) {
            if (!(err instanceof InstructionFailure)) throw err;
            errors.push({ instructionIndex, message: err.message });
          }
        }),
      );
      // spec: the answer's items are the user's whole list after the patch.
      return { items: expiry.ofUser(environmentId, userId), errors };
    },
  };
}
