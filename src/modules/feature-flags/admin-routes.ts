import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as S from './admin-schemas.js';
import { serializeFlag } from './serialize.js';
import type { ExpiryService } from '../expiry-sweeper/service.js';
import type { RuleService } from './rule-service.js';
import { serializeRule } from './rule-serialize.js';
import type { FlagService } from './service.js';

/** Flag management under ADMIN_PREFIX, in the environment of the caller's key. */
export const featureFlagAdminRoutes: FastifyPluginAsyncTypebox<{ flags: FlagService; rules: RuleService; expiry: ExpiryService }> = async (
  app,
  { flags, rules, expiry },
) => {
  app.post('/feature-flags', { schema: S.createFeatureFlag }, async (req, reply) =>
    reply.status(201).send(serializeFlag(flags.create(req.environmentId, req.body))),
  );

  app.patch('/feature-flags/:slug', { schema: S.updateFeatureFlag }, async (req) =>
    serializeFlag(flags.update(req.environmentId, req.params.slug, req.body)),
  );

  app.delete('/feature-flags/:slug', { schema: S.deleteFeatureFlag }, async (req, reply) => {
    flags.delete(req.environmentId, req.params.slug);
    return reply.status(204).send(null);
  });

  app.put('/feature-flags/:slug/targets/:resourceId', { schema: S.setFlagTarget }, async (req, reply) => {
    expiry.setTarget(req.environmentId, req.params.slug, req.params.resourceId, req.body.enabled, req.body.expires_at);
    return reply.status(204).send(null);
  });

  // No WorkOS route reorders rules (the dashboard does); the whole order at once, as a list.
  app.put('/feature-flags/:slug/rules/order', { schema: S.reorderFlagRules }, async (req) => ({
    object: 'list' as const,
    data: rules.reorderRules(req.environmentId, req.params.slug, req.body.rule_ids).map(serializeRule),
    list_metadata: { before: null, after: null },
  }));

  app.delete('/feature-flags/:slug/targets/:resourceId', { schema: S.removeFlagTarget }, async (req, reply) => {
    flags.removeTarget(req.environmentId, req.params.slug, req.params.resourceId);
    return reply.status(204).send(null);
  });
};
