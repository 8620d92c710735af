import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendJsonText } from '../../http/json-text.js';
import { toListJson, type Page } from '../../http/pagination.js';
import * as S from './schemas.js';
import { flagJson, serializeFlag } from './serialize.js';
import type { FlagService } from './service.js';
import type { Flag } from './store.js';

/** The 8 Feature Flags operations of the spec: verbs, paths and statuses exactly as given there. */
export const featureFlagRoutes: FastifyPluginAsyncTypebox<{ flags: FlagService }> = async (app, { flags }) => {
  // A page's answer is kept as long as the page: until a write changes what it was read from.
  const sendList = (req: FastifyRequest, reply: FastifyReply, page: Page<Flag>) => {
    const environmentId = req.environmentId;
    req.keptFor = { scopes: [], valid: () => flags.isKept(environmentId, page) };
    sendJsonText(reply, toListJson(page, flagJson));
  };

  // The lists are what SDKs poll: sent as JSON text built from each flag's cached JSON (flagJson).
  app.get('/feature-flags', { schema: S.listFeatureFlags, config: { cacheable: true } }, (req, reply) => {
    sendList(req, reply, flags.list(req.environmentId, req.query));
  });

  // Kept while the flag's row is unchanged (a rename, a delete or a toggle writes it).
  app.get('/feature-flags/:slug', { schema: S.getFeatureFlag, config: { cacheable: true } }, async (req) => {
    const flag = flags.get(req.environmentId, req.params.slug);
    req.keptFor = { scopes: [`flag ${flag.id}`] };
    return serializeFlag(flag);
  });

  // spec: enable/disable are PUT and return the flag.
  app.put('/feature-flags/:slug/enable', { schema: S.enableFeatureFlag }, async (req) =>
    serializeFlag(flags.setEnabled(req.environmentId, req.params.slug, true)),
  );

  app.put('/feature-flags/:slug/disable', { schema: S.disableFeatureFlag }, async (req) =>
    serializeFlag(flags.setEnabled(req.environmentId, req.params.slug, false)),
  );

  // spec: targets are POST/DELETE with no body, answering 204.
  app.post('/feature-flags/:slug/targets/:resourceId', { schema: S.addFlagTarget }, async (req, reply) => {
    flags.setTarget(req.environmentId, req.params.slug, req.params.resourceId, true);
    return reply.status(204).send(null);
  });

  app.delete('/feature-flags/:slug/targets/:resourceId', { schema: S.removeFlagTarget }, async (req, reply) => {
    flags.removeTarget(req.environmentId, req.params.slug, req.params.resourceId);
    return reply.status(204).send(null);
  });

  app.get('/organizations/:organizationId/feature-flags', { schema: S.listOrganizationFeatureFlags, config: { cacheable: true } }, (req, reply) => {
    sendList(req, reply, flags.listForOrganization(req.environmentId, req.params.organizationId, req.query));
  });

  app.get('/user_management/users/:userId/feature-flags', { schema: S.listUserFeatureFlags, config: { cacheable: true } }, (req, reply) => {
    sendList(req, reply, flags.listForUser(req.environmentId, req.params.userId, req.query));
  });
};
