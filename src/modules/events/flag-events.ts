import type { Db } from '../../db/open.js';
import { serializeFlag } from '../feature-flags/serialize.js';
import type { FlagService } from '../feature-flags/service.js';
import type { Flag } from '../feature-flags/store.js';
import type { ConfiguredTargets, FlagTargetReader } from './flag-targets.js';
import type { ActorSource, Outbox } from './outbox.js';

// flag.created / updated / deleted / rule_updated for the classic flag writes, and beside each of
// the first three SDK 12's feature_flags.flag.created / updated / deleted (same data, context
// {client_id, actor}). The flag service is wrapped, not changed (see directory-events.ts): each
// write and its events share a transaction. One change gives exactly one event of each
// catalogue: field changes (enabled and default_value included) are flag.updated, target changes
// flag.rule_updated.

/** spec: flag.updated's previous_attributes.data lists these (0.61.0 adds description; 0.1.0 does not). */
const PREVIOUS_FIELDS = ['name', 'tags', 'enabled', 'default_value'] as const;
/** SDK 12: feature_flags.flag.updated's previous_attributes.data (FeatureFlagUpdatedContextResponse). */
const SDK12_PREVIOUS_FIELDS = ['name', 'description', 'tags', 'owner', 'enabled', 'default_value'] as const;
const EVENT_FIELDS = SDK12_PREVIOUS_FIELDS;

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
    const previous = (fields: readonly (typeof EVENT_FIELDS)[number][]) =>
      Object.fromEntries(fields.filter((f) => changed.includes(f)).map((f) => [f, before[f]]));
    const payload = data(environmentId, after);
    outbox.record(environmentId, 'flag.updated', payload, { ...context(environmentId), previous_attributes: { data: previous(PREVIOUS_FIELDS) } });
    outbox.record(environmentId, 'feature_flags.flag.updated', payload, {
      ...context(environmentId),
      previous_attributes: { data: previous(SDK12_PREVIOUS_FIELDS) },
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
      // The classic target routes change one target: the one they name (rest[0]).
      const after = targets.afterTargetWrite(environmentId, flagBefore.id, before, String(rest[0]));
      if (after === before) return;
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
      const payload = data(environmentId, flag);
      outbox.record(environmentId, 'flag.created', payload, context(environmentId));
      outbox.record(environmentId, 'feature_flags.flag.created', payload, context(environmentId));
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
      const payload = data(environmentId, before);
      outbox.record(environmentId, 'flag.deleted', payload, context(environmentId));
      outbox.record(environmentId, 'feature_flags.flag.deleted', payload, context(environmentId));
    }),
    setTarget: db.transaction(targetWrite(service.setTarget)),
    removeTarget: db.transaction(targetWrite(service.removeTarget)),
  };
}
