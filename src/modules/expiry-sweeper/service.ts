import type { Db } from '../../db/open.js';
import { invalidParameters } from '../../http/errors.js';
import type { FlagService } from '../feature-flags/service.js';
import type { ExpiringTarget, ExpiryStore, TargetExpiry } from './store.js';

/**
 * Scheduled removals of user targets: set, moved and cleared here, fired by the sweeper. A
 * schedule lives on the target's rule membership, so removing the target by any route drops it
 * too; `version` grows on every change of it (LaunchDarkly's `_version`).
 */
export interface ExpiryService {
  ofUser(environmentId: string, userId: string): TargetExpiry[];
  /** The user's target on the flag, with its schedule; undefined when the user has none there. */
  targetOf(environmentId: string, flagId: string, userId: string): ExpiringTarget | undefined;
  /** Sets (ISO time) or clears (null) a target's schedule. Call inside `apply`. */
  schedule(environmentId: string, target: ExpiringTarget, expiresAt: string | null): void;
  /** Runs `writes` in one transaction, then fires what is already due (a schedule in the past fires at once). */
  apply<T>(environmentId: string, writes: () => T): T;
  /**
   * The admin PUT of a target: sets it on or explicitly off and, when `expiresAt` is given, its
   * schedule (null clears it), in one transaction.
   */
  setTarget(environmentId: string, slug: string, resourceId: string, enabled: boolean, expiresAt?: string | null): void;
}

export function createExpiryService(db: Db, store: ExpiryStore, flags: FlagService, sweep: (environmentId: string) => void): ExpiryService {
  const schedule = (environmentId: string, target: ExpiringTarget, expiresAt: string | null) =>
    store.schedule(environmentId, target, expiresAt === null ? null : new Date(expiresAt).toISOString(), target.version + 1);

  const apply = <T>(environmentId: string, writes: () => T): T => {
    const result = db.transaction(writes)();
    sweep(environmentId);
    return result;
  };

  return {
    ofUser: store.ofUser,
    targetOf: store.targetOf,
    schedule,
    apply,
    setTarget(environmentId, slug, resourceId, enabled, expiresAt) {
      apply(environmentId, () => {
        flags.setTarget(environmentId, slug, resourceId, enabled);
        if (expiresAt === undefined) return;
        const target = store.targetOf(environmentId, flags.get(environmentId, slug).id, resourceId);
        if (!target) {
          // Only user targets expire (as LaunchDarkly's individual targets do).
          throw invalidParameters([{ field: 'expires_at', code: 'expires_at_user_targets_only', message: 'only a user target can expire' }], 422);
        }
        if (expiresAt !== target.expires_at) schedule(environmentId, target, expiresAt);
      });
    },
  };
}
