import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock } from './clock.js';
import type { Db } from './db/open.js';
import { frameworkErrorHandler, registerErrorHandling } from './http/errors.js';
import { registerIdempotency } from './http/idempotency.js';
import { buildSerializer, buildValidator } from './http/compilers.js';
import { registerRequestHook } from './http/request-hook.js';
import { createResponseCache } from './http/response-cache.js';
import { genRequestId } from './http/request-id.js';
import { ADMIN_PREFIX, type LogLevel } from './config.js';
import { adminRoutes } from './modules/admin/routes.js';
import { FlagstandEnvironment, FlagstandSnapshot } from './modules/admin/schemas.js';
import type { AdminService } from './modules/admin/service.js';
import { featureFlagAdminRoutes } from './modules/feature-flags/admin-routes.js';
import { FeatureFlag } from './modules/feature-flags/schemas.js';
import { FlagRule, FlagTarget } from './modules/feature-flags/rule-schemas.js';
import { featureFlagRoutes } from './modules/feature-flags/routes.js';
import { flagRuleRoutes } from './modules/feature-flags/rule-routes.js';
import { createRuleService } from './modules/feature-flags/rule-service.js';
import { createFlagService } from './modules/feature-flags/service.js';
import { createExpiryService } from './modules/expiry-sweeper/service.js';
import { createExpirySweeper } from './modules/expiry-sweeper/sweeper.js';
import { launchDarklyRoutes } from './modules/launchdarkly/routes.js';
import { createLaunchDarklyService } from './modules/launchdarkly/service.js';
import { OrganizationApiKey } from './modules/api-keys/schemas.js';
import { apiKeyRoutes } from './modules/api-keys/routes.js';
import { createApiKeyService } from './modules/api-keys/service.js';
import { organizationDomainRoutes } from './modules/organization-domains/routes.js';
import { createOrganizationDomainService } from './modules/organization-domains/service.js';
import { Organization, OrganizationDomain } from './modules/organizations/schemas.js';
import { organizationRoutes } from './modules/organizations/routes.js';
import { createOrganizationService } from './modules/organizations/service.js';
import { OrganizationMembership } from './modules/memberships/schemas.js';
import { membershipRoutes } from './modules/memberships/routes.js';
import { createMembershipService } from './modules/memberships/service.js';
import { emailChangeAdminRoutes, emailChangeRoutes } from './modules/email-change/routes.js';
import { createEmailChangeService } from './modules/email-change/service.js';
import { emailVerificationAdminRoutes, emailVerificationRoutes } from './modules/email-verification/routes.js';
import { EmailVerification } from './modules/email-verification/schemas.js';
import { createEmailVerificationService } from './modules/email-verification/service.js';
import { invitationRoutes } from './modules/invitations/routes.js';
import { Invitation } from './modules/invitations/schemas.js';
import { createInvitationService } from './modules/invitations/service.js';
import { roleRoutes } from './modules/roles/routes.js';
import { Role } from './modules/roles/schemas.js';
import { clockRoutes } from './modules/clock/routes.js';
import { createEnvironmentClock, type EnvironmentClock } from './modules/clock/service.js';
import { sdkRoutes } from './modules/sdk/routes.js';
import { createSdkService } from './modules/sdk/service.js';
import { userRoutes } from './modules/users/routes.js';
import { User } from './modules/users/schemas.js';
import { createUserService } from './modules/users/service.js';
import type { Stores } from './stores.js';

export interface AppContext {
  db: Db;
  stores: Stores;
  admin: AdminService;
  /** Each environment's time; default: every environment on the system clock. */
  clock?: EnvironmentClock;
  logLevel?: LogLevel;
  /** Runs when the app closes (the server closes the database it opened). */
  onClose?: () => void;
}

export const OPENAPI_INFO = {
  title: 'flagstand',
  description: 'A local stand-in for the WorkOS Feature Flags API. Generated from the TypeBox schemas: do not edit.',
  version: '0.1.0',
};

/** Builds the Fastify app on an open, migrated database. Never listens. */
export async function buildApp(ctx: AppContext): Promise<FastifyInstance> {
  const clock = ctx.clock ?? createEnvironmentClock(ctx.db, systemClock);
  // Requests answered from the cache would go unlogged: with request logs on, all go through Fastify.
  const responses = ['info', 'debug', 'trace'].includes(ctx.logLevel ?? 'silent') ? undefined : createResponseCache(ctx.db);
  const app = Fastify({
    ...(responses && { serverFactory: responses.serverFactory }),
    logger: ctx.logLevel && ctx.logLevel !== 'silent' ? { level: ctx.logLevel } : false,
    genReqId: genRequestId,
    requestIdHeader: false,
    // Slugs may be 255 characters, more once percent-encoded; Fastify's default cap is 100 (then 414).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // No verb aliases: HEAD is not in the spec, so it answers 404 like any unknown method.
    exposeHeadRoutes: false,
    frameworkErrors: frameworkErrorHandler,
    bodyLimit: 10 * 1024 * 1024,
    // Both compilers ours: Fastify then never loads its default Ajv set-up (JTD included).
    schemaController: { compilersFactory: { buildSerializer, buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  registerRequestHook(app, ctx.stores.environments.keyOwner);
  responses?.register(app);
  registerIdempotency(app, ctx.stores.idempotency, clock);

  // The SDK sends `Content-Type: application/json` with an empty body on bodiless PUT/DELETE: read it as {}.
  const defaultJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (typeof body === 'string' && body.trim() === '') return done(null, {});
    const parse = defaultJson as unknown as (req: unknown, body: string, done: (e: Error | null, v?: unknown) => void) => void;
    parse(req, body as string, (err, value) => {
      if (err) (err as Error & { statusCode?: number }).statusCode = 400;
      done(err, value);
    });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: OPENAPI_INFO,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A secret key, `sk_…`.' },
          launchdarkly: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'A secret key, `sk_…`, as is or after `Bearer `.' },
        },
      },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (json.$id as string) ?? `def-${i}` },
  });
  app.addSchema(FeatureFlag);
  app.addSchema(FlagRule);
  app.addSchema(FlagTarget);
  app.addSchema(OrganizationDomain);
  app.addSchema(Organization);
  app.addSchema(User);
  app.addSchema(OrganizationMembership);
  app.addSchema(Role);
  app.addSchema(FlagstandEnvironment);
  app.addSchema(FlagstandSnapshot);
  app.addSchema(OrganizationApiKey);
  app.addSchema(Invitation);
  app.addSchema(EmailVerification);

  app.get('/health', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  const directory = {
    organizationExists: ctx.stores.organizations.exists,
    userExists: ctx.stores.users.exists,
    activeOrganizationIds: ctx.stores.memberships.activeOrganizationIds,
  };
  const { rules: ruleStore } = ctx.stores;
  const rules = createRuleService(ctx.db, ctx.stores.flags, ruleStore, directory, clock, (id) => ctx.stores.environments.byId(id)!.public_id);
  const flags = createFlagService(ctx.db, ctx.stores.flags, ruleStore, rules, directory, clock);
  await app.register(featureFlagRoutes, { flags });
  await app.register(flagRuleRoutes, { rules });
  await app.register(sdkRoutes, { sdk: createSdkService(ctx.db, ctx.stores.flags, ruleStore) });
  // A deleted user's or organization's memberships go with it (custom targets are never resolved, so stay).
  await app.register(organizationRoutes, {
    organizations: createOrganizationService(
      ctx.db,
      ctx.stores.organizations,
      { deleteTargetsOf: (environmentId, id) => ruleStore.deleteMembershipsOf(environmentId, 'organization', id) },
      clock,
    ),
  });
  await app.register(organizationDomainRoutes, {
    domains: createOrganizationDomainService(ctx.db, ctx.stores.organizations, clock),
  });
  await app.register(apiKeyRoutes, {
    apiKeys: createApiKeyService(ctx.db, ctx.stores.apiKeys, ctx.stores.organizations.exists, clock),
  });

  const { users: userStore, memberships: membershipStore, organizations, roles } = ctx.stores;
  const users = createUserService(
    ctx.db,
    userStore,
    { deleteTargetsOf: (environmentId, id) => ruleStore.deleteMembershipsOf(environmentId, 'user', id) },
    clock,
  );
  await app.register(userRoutes, { users });
  const memberships = createMembershipService(
    ctx.db,
    membershipStore,
    { userExists: userStore.exists, organizationExists: organizations.exists, roleExists: roles.exists },
    clock,
  );
  await app.register(membershipRoutes, { memberships });
  await app.register(roleRoutes, { roles, organizationExists: organizations.exists });
  const invitations = createInvitationService(
    ctx.db,
    ctx.stores.invitations,
    { users: userStore, memberships: membershipStore, organizationExists: organizations.exists, roleExists: roles.exists },
    clock,
  );
  await app.register(invitationRoutes, { invitations });
  const verifications = createEmailVerificationService(ctx.db, ctx.stores.emailVerifications, userStore, clock);
  await app.register(emailVerificationRoutes, { verifications });
  const changes = createEmailChangeService(ctx.db, ctx.stores.emailChanges, userStore, clock);
  await app.register(emailChangeRoutes, { changes });
  const sweeper = createExpirySweeper({
    store: ctx.stores.expiries,
    transaction: (fn) => ctx.db.transaction(fn)(),
    removeTarget: flags.removeTarget,
    now: clock.now,
    environmentIds: () => ctx.stores.environments.all().map((env) => env.id),
    onClockChange: clock.onChange,
    onError: (err) => app.log.error({ err }, 'expiry sweep failed'),
  });
  app.addHook('onClose', async () => sweeper.stop());
  const expiry = createExpiryService(ctx.db, ctx.stores.expiries, flags, sweeper.sweep);
  await app.register(launchDarklyRoutes, {
    prefix: '/api/v2',
    launchDarkly: createLaunchDarklyService({ flags, users: userStore, expiry, environmentById: ctx.stores.environments.byId }),
    keyOwner: ctx.stores.environments.keyOwner,
  });
  await app.register(adminRoutes, { prefix: ADMIN_PREFIX, admin: ctx.admin });
  await app.register(featureFlagAdminRoutes, { prefix: ADMIN_PREFIX, flags, rules, expiry });
  await app.register(clockRoutes, { prefix: ADMIN_PREFIX, clock, environmentIdOf: ctx.admin.resolveId });
  await app.register(emailVerificationAdminRoutes, { prefix: ADMIN_PREFIX, verifications });
  await app.register(emailChangeAdminRoutes, { prefix: ADMIN_PREFIX, changes });

  if (ctx.onClose) app.addHook('onClose', async () => ctx.onClose!());
  await app.ready();
  return app;
}
