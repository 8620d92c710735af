import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toList } from '../../http/pagination.js';
import * as S from './rule-schemas.js';
import { serializeMembership, serializeRule } from './rule-serialize.js';
import type { RuleService } from './rule-service.js';

/** The rules API (`/flag_rules`, `/flag_targets`) as workos-node 12 calls it. */
export const flagRuleRoutes: FastifyPluginAsyncTypebox<{ rules: RuleService }> = async (app, { rules }) => {
  app.post('/flag_rules', { schema: S.createFlagRule }, async (req, reply) =>
    reply.status(201).send(serializeRule(rules.createRule(req.environmentId, req.body))),
  );
  app.get('/flag_rules', { schema: S.listFlagRules }, async (req) => toList(rules.listRules(req.environmentId, req.query), serializeRule));
  app.get('/flag_rules/:id', { schema: S.getFlagRule }, async (req) => serializeRule(rules.getRule(req.environmentId, req.params.id)));
  app.delete('/flag_rules/:id', { schema: S.deleteFlagRule }, async (req, reply) => {
    rules.deleteRule(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });

  app.post('/flag_targets', { schema: S.createFlagTarget }, async (req, reply) =>
    reply.status(201).send(serializeMembership(rules.createMembership(req.environmentId, req.body))),
  );
  app.get('/flag_targets', { schema: S.listFlagTargets }, async (req) =>
    toList(rules.listMemberships(req.environmentId, req.query), serializeMembership),
  );
  app.get('/flag_targets/:id', { schema: S.getFlagTarget }, async (req) =>
    serializeMembership(rules.getMembership(req.environmentId, req.params.id)),
  );
  app.delete('/flag_targets/:id', { schema: S.deleteFlagTarget }, async (req, reply) => {
    rules.deleteMembership(req.environmentId, req.params.id);
    return reply.status(204).send(null);
  });
};
