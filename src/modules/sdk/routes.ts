import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from '@sinclair/typebox';
import type { FlagStore } from '../feature-flags/store.js';
import { FlagPollEntry, getRuntimeFlags } from './schemas.js';

type PollEntry = Static<typeof FlagPollEntry>;

/** GET /sdk/feature-flags: the runtime client's poll, a map from slug to state and targets. */
export const sdkRoutes: FastifyPluginAsyncTypebox<{ flags: FlagStore }> = async (app, { flags }) => {
  app.get('/sdk/feature-flags', { schema: getRuntimeFlags }, async (req) => {
    const bySlug: Record<string, PollEntry> = {};
    const byId = new Map<string, PollEntry>();
    for (const flag of flags.all(req.environmentId)) {
      const entry = { slug: flag.slug, enabled: flag.enabled, default_value: flag.default_value, targets: { users: [], organizations: [] } };
      bySlug[flag.slug] = entry;
      byId.set(flag.id, entry);
    }
    for (const t of flags.allTargets(req.environmentId)) {
      const entry = byId.get(t.flag_id);
      const list = t.resource_type === 'user' ? entry?.targets.users : entry?.targets.organizations;
      list?.push({ id: t.resource_id, enabled: t.enabled });
    }
    return bySlug;
  });
};
