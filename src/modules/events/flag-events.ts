import type { Db } from '../../db/open.js';
import { serializeFlag } from '../feature-flags/serialize.js';
import type { FlagService } from '../feature-flags/service.js';
import type { Flag } from '../feature-flags/store.js';
import type { ConfiguredTargets, FlagTargetReader } from './flag-targets.js';
import type { ActorSource, Outbox } from './outbox.js';

// flag.created / updated / deleted / rule_updated for the classic flag writes. The flag service
// is wrapped, not changed (see directory-events.ts): each write and its event share a transaction.
// One change gives exactly one event: field changes (enabled and default_value included) are
// flag.updated, target changes flag.rule_updated.

/** spec: flag.updated's previous_attributes.data lists these (0.61.0 adds description; 0.1.0 does not). */
const PREVIOUS_FIELDS = ['name', 'tags', 'enabled', 'default_value'] as const;
const EVENT_FIELDS = [...PREVIOUS_FIELDS, 'description', 'owner'] as const;

/** spec: access_type. `some` while the flag has configured targets, `none` without (docs example). */
const accessType = (targets: ConfiguredTargets) => (targets.organizations.length || targets.users.length ? 'some' : 'none');

export function withFlagEvents(db: Db, service: FlagService, outbox: Outbox, targets: FlagTargetReader, source: ActorSource): FlagService {
  /** spec: flag event data is the flag with its environment's (public) id. */
  const data = (environmentId: string, flag: Flag) => {
    const { object, id, ...rest } = serializeFlag(flag);
    return { object, id, environment_id: outbox.publicEnvironmentId(environmentId), ...rest };
  };
  const context = (environmentId: string) => outbox.actorContext(environmentId, source);

  const recordUpdate = (environmentId: string, before: Flag, after: Flag) => {
    const changed = EVENT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
    if (!changed.length) return;
    const previous = Object.fromEntries(PREVIOUS_FIELDS.filter((f) => changed.includes(f)).map((f) => [f, before[f]]));
    outbox.record(environmentId, 'flag.updated', data(environmentId, after), {
      ...context(environmentId),
      previous_attributes: { data: previous },
    });
  };

  /** A target write: flag.rule_updated when the configured targets changed. */
  const targetWrite =
    <A extends unknown[]>(write: (environmentId: string, slug: string, ...rest: A) => void) =>
    (environmentId: string, slug: string, ...rest: A): void => {
      let flagBefore: Flag;
      try {
        flagBefore = service.get(environmentId, slug);
      } catch {
        return write(environmentId, slug, ...rest); // fails as the service fails it (400 before 404)
      }
      const before = targets.configuredTargets(environmentId, flagBefore.id);
      write(environmentId, slug, ...rest);
      const after = targets.configuredTargets(environmentId, flagBefore.id);
      if (JSON.stringify(before) === JSON.stringify(after)) return;
      outbox.record(environmentId, 'flag.rule_updated', data(environmentId, service.get(environmentId, slug)), {
        ...context(environmentId),
        access_type: accessType(after),
        configured_targets: after,
        previous_attributes: { context: { access_type: accessType(before), configured_targets: before } },
      });
    };

  return {
    ...service,
    create: db.transaction((environmentId, input) => {
      const flag = service.create(environmentId, input);
      outbox.record(environmentId, 'flag.created', data(environmentId, flag), context(environmentId));
      return flag;
    }),
    update: db.transaction((environmentId, slug, changes) => {
      const before = service.get(environmentId, slug);
      const after = service.update(environmentId, slug, changes);
      recordUpdate(environmentId, before, after);
      return after;
    }),
    setEnabled: db.transaction((environmentId, slug, enabled) => {
      const before = service.get(environmentId, slug);
      const after = service.setEnabled(environmentId, slug, enabled);
      recordUpdate(environmentId, before, after);
      return after;
    }),
    delete: db.transaction((environmentId, slug) => {
      const before = service.get(environmentId, slug);
      service.delete(environmentId, slug);
      outbox.record(environmentId, 'flag.deleted', data(environmentId, before), context(environmentId));
    }),
    setTarget: db.transaction(targetWrite(service.setTarget)),
    removeTarget: db.transaction(targetWrite(service.removeTarget)),
  };
}
