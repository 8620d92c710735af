import type { Db } from '../../db/open.js';
import type { Rule } from '../feature-flags/rule-store.js';
import type { FlagService, TargetWriteAround } from '../feature-flags/service.js';
import type { Flag } from '../feature-flags/store.js';
import { flagEventData } from './data.js';
import type { ActorSource, Outbox } from './outbox.js';
import type { RuleChangeRecorder } from './rule-changes.js';

// flag.created / updated / deleted / rule_updated for the classic flag writes, and beside each of
// the first three SDK 12's feature_flags.flag.created / updated / deleted (same data, context
// {client_id, actor}). The flag service is wrapped, not changed (see directory-events.ts): each
// write and its events share a transaction. One change gives exactly one event of each
// catalogue: field changes (enabled and default_value included) are flag.updated, target changes
// flag.rule_updated. The classic target routes are aliases over the rules model, so a target
// change also records the rule-level events of what the alias did (rule-changes.ts).

/** spec: flag.updated's previous_attributes.data lists these (0.61.0 adds description; 0.1.0 does not). */
const PREVIOUS_FIELDS = ['name', 'tags', 'enabled', 'default_value'] as const;
/** SDK 12: feature_flags.flag.updated's previous_attributes.data (FeatureFlagUpdatedContextResponse). */
const SDK12_PREVIOUS_FIELDS = ['name', 'description', 'tags', 'owner', 'enabled', 'default_value'] as const;
const EVENT_FIELDS = SDK12_PREVIOUS_FIELDS;

/** JSON.stringify(a) === JSON.stringify(b) for a flag's field values, without serializing strings, booleans and null. */
const sameValue = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));

export function withFlagEvents(db: Db, service: FlagService, outbox: Outbox, changes: RuleChangeRecorder, source: ActorSource): FlagService {
  const data = (environmentId: string, flag: Flag) => flagEventData(outbox.publicEnvironmentId(environmentId), flag);
  const context = (environmentId: string) => outbox.actorContext(environmentId, source);

  const recordUpdate = (environmentId: string, before: Flag, after: Flag) => {
    const changed = EVENT_FIELDS.filter((f) => !sameValue(before[f], after[f]));
    if (!changed.length) return;
    const previous = (fields: readonly (typeof EVENT_FIELDS)[number][]) =>
      Object.fromEntries(fields.filter((f) => changed.includes(f)).map((f) => [f, before[f]]));
    const payload = data(environmentId, after);
    const dataJson = JSON.stringify(payload);
    const { client_id, actor } = context(environmentId);
    outbox.record(environmentId, 'flag.updated', payload, { client_id, actor, previous_attributes: { data: previous(PREVIOUS_FIELDS) } }, { dataJson });
    outbox.record(
      environmentId,
      'feature_flags.flag.updated',
      payload,
      { client_id, actor, previous_attributes: { data: previous(SDK12_PREVIOUS_FIELDS) } },
      { dataJson },
    );
  };
  const observeUpdate = (environmentId: string) => (before: Flag, after: Flag) => recordUpdate(environmentId, before, after);

  /**
   * A target write: the membership and rule changes it made, and flag.rule_updated when the
   * configured targets changed. The service validates the request first (400 before 404) and runs
   * the write inside its transaction. A classic write changes the flag's rules only when it
   * creates the (type, value) rule it joins (rule-service.ts setClassicTarget); a removal never does.
   */
  const targetAround =
    (environmentId: string, resourceId: string, value: boolean | undefined): TargetWriteAround =>
    (flag, type, write) => {
      const rulesKept = value === undefined ? () => true : (rules: readonly Rule[]) => rules.some((r) => r.target_type === type && r.value === value);
      changes.around(environmentId, source, [{ ...changes.target(flag.id, type, resourceId), rulesKept }], write);
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
    // The service's own transaction records the events (observe): no second read of the flag, no savepoint.
    update: (environmentId, slug, changes) => service.update(environmentId, slug, changes, observeUpdate(environmentId)),
    setEnabled: (environmentId, slug, enabled) => service.setEnabled(environmentId, slug, enabled, observeUpdate(environmentId)),
    delete: db.transaction((environmentId, slug) => {
      const before = service.get(environmentId, slug);
      service.delete(environmentId, slug);
      const payload = data(environmentId, before);
      outbox.record(environmentId, 'flag.deleted', payload, context(environmentId));
      outbox.record(environmentId, 'feature_flags.flag.deleted', payload, context(environmentId));
    }),
    setTarget: (environmentId, slug, resourceId, enabled) =>
      service.setTarget(environmentId, slug, resourceId, enabled, targetAround(environmentId, resourceId, enabled)),
    removeTarget: (environmentId, slug, resourceId) => service.removeTarget(environmentId, slug, resourceId, targetAround(environmentId, resourceId, undefined)),
  };
}
