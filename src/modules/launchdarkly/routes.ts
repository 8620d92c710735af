import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { invalidRequest, registerLaunchDarklyErrors, unauthorized } from './errors.js';
import { parseInstructions } from './instructions.js';
import * as S from './schemas.js';
import { serializeExpiring, serializeFlag, serializePatchOutcome, serializeSetting, serializeSettings } from './serialize.js';
import type { LaunchDarklyService } from './service.js';

export interface LaunchDarklyRouteOptions {
  launchDarkly: LaunchDarklyService;
  keyOwner: (key: string) => string | undefined;
}

// LaunchDarkly clients send their token as is (`Authorization: api-…`); Bearer is accepted too.
const TOKEN = /^(?:Bearer\s+)?(\S+)\s*$/i;
// spec: "To make a semantic patch request, you must append domain-model=launchdarkly.semanticpatch
// to your Content-Type header."
const SEMANTIC_PATCH = /^application\/json\s*;(?:.*;)?\s*domain-model\s*=\s*"?launchdarkly\.semanticpatch"?\s*(?:;.*)?$/i;

/**
 * LaunchDarkly's User Settings API (and the flag read its clients take variation ids from), under
 * /api/v2. The routes are public to the app's WorkOS auth and authenticate here instead, so a
 * missing key is LaunchDarkly's 401, and every error inside is LaunchDarkly's `{code, message}`.
 */
export const launchDarklyRoutes: FastifyPluginAsyncTypebox<LaunchDarklyRouteOptions> = async (app, { launchDarkly, keyOwner }) => {
  registerLaunchDarklyErrors(app);

  const authenticate: onRequestHookHandler = (request, _reply, done) => {
    const token = TOKEN.exec(request.headers.authorization ?? '')?.[1];
    const environmentId = token ? keyOwner(token) : undefined;
    if (!environmentId) return done(unauthorized());
    request.environmentId = environmentId;
    done();
  };
  const config = { public: true };

  app.get('/users/:projectKey/:environmentKey/:userKey/flags', { schema: S.getUserFlagSettings, config, onRequest: authenticate }, async (req) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.params.environmentKey);
    return serializeSettings(req.params, launchDarkly.settings(environmentId, req.params.userKey));
  });

  app.get('/users/:projectKey/:environmentKey/:userKey/flags/:featureFlagKey', { schema: S.getUserFlagSetting, config, onRequest: authenticate }, async (req) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.params.environmentKey);
    return serializeSetting(req.params, launchDarkly.setting(environmentId, req.params.userKey, req.params.featureFlagKey));
  });

  // spec: an omitted or null setting clears the user's setting; 204 either way.
  app.put('/users/:projectKey/:environmentKey/:userKey/flags/:featureFlagKey', {
    schema: S.putFlagSetting,
    config,
    onRequest: authenticate,
    preValidation: async (req) => {
      req.body ??= {};
    },
  }, async (req, reply) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.params.environmentKey);
    launchDarkly.put(environmentId, req.params.userKey, req.params.featureFlagKey, req.body.setting ?? null);
    return reply.status(204).send(null);
  });

  app.get('/users/:projectKey/:userKey/expiring-user-targets/:environmentKey', {
    schema: S.getExpiringFlagsForUser,
    config,
    onRequest: authenticate,
  }, async (req) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.params.environmentKey);
    return serializeExpiring(req.params, launchDarkly.expiring(environmentId, req.params.userKey));
  });

  app.patch('/users/:projectKey/:userKey/expiring-user-targets/:environmentKey', {
    schema: S.patchExpiringFlagsForUser,
    config,
    onRequest: authenticate,
    // Before the body's schema: a plain JSON body is refused for its content type, whatever it holds.
    preValidation: async (req) => {
      if (!SEMANTIC_PATCH.test(req.headers['content-type'] ?? '')) {
        throw invalidRequest('Updates to expiring user targets are semantic patches: send Content-Type: application/json; domain-model=launchdarkly.semanticpatch');
      }
    },
  }, async (req) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.params.environmentKey);
    const instructions = parseInstructions(req.body.instructions);
    const outcome = launchDarkly.patchExpiring(environmentId, req.params.userKey, instructions);
    return serializePatchOutcome(req.params, instructions.length, outcome);
  });

  app.get('/flags/:projectKey/:featureFlagKey', { schema: S.getFeatureFlag, config, onRequest: authenticate }, async (req) => {
    const environmentId = launchDarkly.scope(req.environmentId, req.params.projectKey, req.query.env);
    return serializeFlag(req.params.projectKey, launchDarkly.flag(environmentId, req.params.featureFlagKey));
  });
};
