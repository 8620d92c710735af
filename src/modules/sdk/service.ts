import type { Static } from '@sinclair/typebox';
import type { Db } from '../../db/open.js';
import { createKeptMap } from '../../db/kept-map.js';
import type { FlagStore } from '../feature-flags/store.js';
import type { FlagPollEntry } from './schemas.js';

type PollEntry = Static<typeof FlagPollEntry>;
type RuntimeFlags = Record<string, PollEntry>;

/** Environments whose poll document is kept at once (each holds every flag and target). */
const KEPT_DOCUMENTS = 16;

/** The runtime client's poll document: every flag by slug, with its state and targets. */
export function createSdkService(db: Db, flags: FlagStore) {
  const build = (environmentId: string): RuntimeFlags => {
    const bySlug: RuntimeFlags = {};
    const byId = new Map<string, PollEntry>();
    for (const flag of flags.all(environmentId)) {
      const entry = { slug: flag.slug, enabled: flag.enabled, default_value: flag.default_value, targets: { users: [], organizations: [] } };
      bySlug[flag.slug] = entry;
      byId.set(flag.id, entry);
    }
    for (const t of flags.allTargets(environmentId)) {
      const entry = byId.get(t.flag_id);
      const list = t.resource_type === 'user' ? entry?.targets.users : entry?.targets.organizations;
      list?.push({ id: t.resource_id, enabled: t.enabled });
    }
    return bySlug;
  };
  // Clients poll it every few seconds and it changes only with the data: kept as JSON text until
  // the environment is written.
  const documents = createKeptMap<string>(db, { until: 'written', entries: KEPT_DOCUMENTS });

  return {
    runtimeFlagsJson: (environmentId: string): string => documents.through(environmentId, environmentId, () => JSON.stringify(build(environmentId))),
  };
}

export type SdkService = ReturnType<typeof createSdkService>;
