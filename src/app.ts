import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import { systemClock } from './clock.js';
import type { Db } from './db/open.js';
import { clientErrorHandler, frameworkErrorHandler, registerErrorHandling } from './http/errors.js';
import { registerJsonBody } from './http/json-body.js';
import { BODY_LIMIT_BYTES } from './http/limits.js';
import { nodeServerFactory } from './http/node-server.js';
import { registerIdempotency } from './http/idempotency.js';
import { buildSerializer, buildValidator } from './http/compilers.js';
import { registerRequestHook } from './http/request-hook.js';
import { createResponseCache } from './http/response-cache.js';
import { genRequestId } from './http/request-id.js';
import { ADMIN_PREFIX, type LogLevel } from './config.js';
import { adminRoutes } from './modules/admin/routes.js';
import { FlagstandEnvironment, FlagstandSnapshot } from './modules/admin/schemas.js';
import type { AdminService } from './modules/admin/service.js';
import { registerAdminIndex } from './modules/admin/index-route.js';
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
import { CorsOrigin, RedirectUri } from './modules/app-urls/schemas.js';
import { appUrlRoutes } from './modules/app-urls/routes.js';
import { createAppUrlService } from './modules/app-urls/service.js';
import { AuthorizationPermission } from './modules/permissions/schemas.js';
import { permissionRoutes } from './modules/permissions/routes.js';
import { createPermissionService } from './modules/permissions/service.js';
import { AuthorizationResource } from './modules/resources/schemas.js';
import { resourceRoutes } from './modules/resources/routes.js';
import { createResourceService } from './modules/resources/service.js';
import { RoleAssignment } from './modules/role-assignments/schemas.js';
import { roleAssignmentRoutes } from './modules/role-assignments/routes.js';
import { createRoleAssignmentService } from './modules/role-assignments/service.js';
import { authorizationRoutes } from './modules/authorization/routes.js';
import { createAuthorizationService } from './modules/authorization/service.js';
import { createAccessStore } from './modules/authorization/store.js';
import { roleRoutes } from './modules/roles/routes.js';
import { Role } from './modules/roles/schemas.js';
import { createRoleService } from './modules/roles/service.js';
import { authenticateAdminRoutes, authenticateRoutes } from './modules/authenticate/routes.js';
import { createAuthenticateService } from './modules/authenticate/service.js';
import { allUserFlagSlugs } from './modules/authenticate/flag-claim.js';
import { createSigningKeys } from './modules/authenticate/signing-keys.js';
import { authFactorRoutes } from './modules/auth-factors/routes.js';
import { AuthenticationFactor } from './modules/auth-factors/schemas.js';
import { createAuthFactorService } from './modules/auth-factors/service.js';
import { authorizedApplicationRoutes } from './modules/authorized-applications/routes.js';
import { createAuthorizedApplicationService } from './modules/authorized-applications/service.js';
import { connectedAccountRoutes } from './modules/connected-accounts/routes.js';
import { ConnectedAccount } from './modules/connected-accounts/schemas.js';
import { createConnectedAccountService } from './modules/connected-accounts/service.js';
import { dataProviderRoutes } from './modules/data-providers/routes.js';
import { createDataProviderService } from './modules/data-providers/service.js';
import { identityRoutes } from './modules/identities/routes.js';
import { sessionRoutes } from './modules/sessions/routes.js';
import { Session } from './modules/sessions/schemas.js';
import { createSessionService } from './modules/sessions/service.js';
import { emailChangeAdminRoutes, emailChangeRoutes } from './modules/email-change/routes.js';
import { createEmailChangeService } from './modules/email-change/service.js';
import { emailVerificationAdminRoutes, emailVerificationRoutes } from './modules/email-verification/routes.js';
import { EmailVerification } from './modules/email-verification/schemas.js';
import { createEmailVerificationService } from './modules/email-verification/service.js';
import { invitationRoutes } from './modules/invitations/routes.js';
import { Invitation } from './modules/invitations/schemas.js';
import { createInvitationService } from './modules/invitations/service.js';
import { clockRoutes } from './modules/clock/routes.js';
import { withPermissionEvents, withRoleEvents } from './modules/events/authorization-events.js';
import { withApiKeyEvents, withDomainEvents, withMembershipEvents, withOrganizationEvents, withUserEvents } from './modules/events/directory-events.js';
import {
  withEmailChangeEvents,
  withEmailVerificationEvents,
  withInvitationEvents,
  withSessionEvents,
  withSignInEvents,
} from './modules/events/user-management-events.js';
import { withFlagEvents } from './modules/events/flag-events.js';
import { createFlagTargetReader } from './modules/events/flag-targets.js';
import { createOutbox } from './modules/events/outbox.js';
import { createRuleChangeRecorder } from './modules/events/rule-changes.js';
import { withRuleEvents } from './modules/events/rule-events.js';
import { eventRoutes } from './modules/events/routes.js';
import { EventSchema } from './modules/events/schemas.js';
import { createEventService } from './modules/events/service.js';
import { createDeliveryService, type DeliveryService } from './modules/webhooks/deliveries.js';
import { deliveryAdminRoutes, webhookEndpointRoutes } from './modules/webhooks/routes.js';
import { WebhookEndpoint } from './modules/webhooks/schemas.js';
import { createWebhookEndpointService } from './modules/webhooks/service.js';
import { createDeliveryWorker } from './modules/webhooks/worker.js';
import { createEnvironmentClock, type EnvironmentClock } from './modules/clock/service.js';
import { sdkRoutes } from './modules/sdk/routes.js';
import { createSdkService } from './modules/sdk/service.js';
import { userRoutes } from './modules/users/routes.js';
import { User } from './modules/users/schemas.js';
import { createUserService } from './modules/users/service.js';
import type { Stores } from './stores.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Webhook deliveries (list, retry): what the programmatic API reads. */
    deliveries: DeliveryService;
  }
}

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
    serverFactory: nodeServerFactory(responses?.serve),
    clientErrorHandler,
    // Logs go to stderr: stdout carries only the start banner, whose first line scripts read for the URL.
    logger: ctx.logLevel && ctx.logLevel !== 'silent' ? { level: ctx.logLevel, stream: process.stderr } : false,
    genReqId: genRequestId,
    requestIdHeader: false,
    // Slugs may be 255 characters, more once percent-encoded; Fastify's default cap is 100 (then 414).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    // No verb aliases: HEAD is not in the spec, so it answers 404 like any unknown method.
    exposeHeadRoutes: false,
    frameworkErrors: frameworkErrorHandler,
    bodyLimit: BODY_LIMIT_BYTES,
    // While closing, requests already on open connections are still answered (with
    // `Connection: close`) rather than refused with a 503: the server.ts deadline bounds the wait.
    return503OnClosing: false,
    // Both compilers ours: Fastify then never loads its default Ajv set-up (JTD included).
    schemaController: { compilersFactory: { buildSerializer, buildValidator } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  registerErrorHandling(app);
  registerRequestHook(app, ctx.stores.environments.keyOwner);
  responses?.register(app);
  registerIdempotency(app, ctx.stores.idempotency, clock);

  registerJsonBody(app);

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
  app.addSchema(AuthorizationPermission);
  app.addSchema(AuthorizationResource);
  app.addSchema(RoleAssignment);
  app.addSchema(FlagstandEnvironment);
  app.addSchema(FlagstandSnapshot);
  app.addSchema(OrganizationApiKey);
  app.addSchema(Invitation);
  app.addSchema(EmailVerification);
  app.addSchema(AuthenticationFactor);
  app.addSchema(Session);
  app.addSchema(ConnectedAccount);
  app.addSchema(EventSchema);
  app.addSchema(WebhookEndpoint);
  app.addSchema(RedirectUri);
  app.addSchema(CorsOrigin);

  // HEAD too (the only route with it), for `curl -I` and `wget --spider` health checks.
  app.get('/health', { config: { public: true }, schema: { hide: true }, exposeHeadRoute: true }, async () => ({ status: 'ok' }));
  registerAdminIndex(app);
  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  // Events: every write below records its events through the outbox, in its own transaction.
  const outbox = createOutbox(ctx.db, ctx.stores.events, ctx.stores.environments, clock);
  await app.register(eventRoutes, { events: createEventService(ctx.stores.events, clock) });
  // Deliveries: written with each event, sent after commit by the worker (never on the request path).
  const deliveryWorker = createDeliveryWorker(ctx.db, ctx.stores.webhooks, clock);
  app.addHook('onClose', async () => deliveryWorker.close());
  const deliveries = createDeliveryService(ctx.stores.webhooks, outbox, clock, deliveryWorker);
  app.decorate('deliveries', deliveries);
  await app.register(webhookEndpointRoutes, { endpoints: createWebhookEndpointService(ctx.db, ctx.stores.webhooks, clock) });

  const directory = {
    organizationExists: ctx.stores.organizations.exists,
    userExists: ctx.stores.users.exists,
    activeOrganizationIds: ctx.stores.memberships.activeOrganizationIds,
  };
  const { rules: ruleStore } = ctx.stores;
  const rules = createRuleService(ctx.db, ctx.stores.flags, ruleStore, directory, clock, (id) => ctx.stores.environments.byId(id)!.public_id);
  const classicFlags = createFlagService(ctx.db, ctx.stores.flags, ruleStore, rules, directory, clock);
  // The REST routes act as the API, the admin routes as the dashboard (their events' actor.source).
  // Rule and membership changes are recorded from whichever route makes them (rule-changes.ts).
  const flagChanges = createRuleChangeRecorder(ctx.db, ctx.stores.flags, ruleStore, outbox, createFlagTargetReader(ctx.db));
  const flags = withFlagEvents(ctx.db, classicFlags, outbox, flagChanges, 'api');
  const dashboardFlags = withFlagEvents(ctx.db, classicFlags, outbox, flagChanges, 'dashboard');
  await app.register(featureFlagRoutes, { flags });
  await app.register(flagRuleRoutes, { rules: withRuleEvents(ctx.db, rules, ctx.stores.flags, flagChanges, 'api') });
  await app.register(sdkRoutes, { sdk: createSdkService(ctx.db, ctx.stores.flags, ruleStore) });
  // A deleted user's or organization's memberships go with it (custom targets are never resolved, so stay).
  const { users: userStore, memberships: membershipStore, organizations, roles } = ctx.stores;
  await app.register(organizationRoutes, {
    organizations: withOrganizationEvents(
      ctx.db,
      createOrganizationService(
        ctx.db,
        ctx.stores.organizations,
        { deleteTargetsOf: (environmentId, id) => ruleStore.deleteMembershipsOf(environmentId, 'organization', id) },
        clock,
      ),
      outbox,
      membershipStore,
      flagChanges,
    ),
  });
  await app.register(organizationDomainRoutes, {
    domains: withDomainEvents(ctx.db, createOrganizationDomainService(ctx.db, ctx.stores.organizations, clock), outbox),
  });
  await app.register(apiKeyRoutes, {
    apiKeys: withApiKeyEvents(
      ctx.db,
      createApiKeyService(ctx.db, ctx.stores.apiKeys, ctx.stores.organizations.exists, clock),
      outbox,
      ctx.stores.apiKeys,
    ),
  });

  const users = withUserEvents(
    ctx.db,
    createUserService(
      ctx.db,
      userStore,
      { deleteTargetsOf: (environmentId, id) => ruleStore.deleteMembershipsOf(environmentId, 'user', id) },
      clock,
      ctx.stores.passwords,
    ),
    outbox,
    membershipStore,
    flagChanges,
  );
  await app.register(userRoutes, { users });
  const memberships = withMembershipEvents(
    ctx.db,
    createMembershipService(
      ctx.db,
      membershipStore,
      { userExists: userStore.exists, organizationExists: organizations.exists, roleExists: roles.exists },
      clock,
    ),
    outbox,
    membershipStore,
  );
  await app.register(membershipRoutes, { memberships });
  const { permissions, resourceTypes } = ctx.stores;
  const authz = { roles, permissions, resourceTypes, organizationExists: organizations.exists };
  await app.register(roleRoutes, { roles: withRoleEvents(ctx.db, createRoleService(ctx.db, authz, clock), outbox) });
  await app.register(permissionRoutes, {
    permissions: withPermissionEvents(ctx.db, createPermissionService(ctx.db, authz, clock), outbox, roles),
  });
  const resources = createResourceService(ctx.db, { ...ctx.stores, assignments: ctx.stores.roleAssignments }, clock);
  await app.register(resourceRoutes, { resources });
  const assignmentStores = { assignments: ctx.stores.roleAssignments, memberships: membershipStore, roles, resources };
  await app.register(roleAssignmentRoutes, { assignments: createRoleAssignmentService(ctx.db, assignmentStores, clock) });
  const authorization = createAuthorizationService(ctx.db, {
    ...assignmentStores,
    resourceRows: ctx.stores.resources,
    access: createAccessStore(ctx.db),
  });
  await app.register(authorizationRoutes, { authorization, resources });
  const invitations = withInvitationEvents(
    ctx.db,
    createInvitationService(
      ctx.db,
      ctx.stores.invitations,
      { users: userStore, memberships: membershipStore, organizationExists: organizations.exists, roleExists: roles.exists },
      clock,
    ),
    outbox,
    { invitations: ctx.stores.invitations, users: userStore, memberships: membershipStore },
  );
  await app.register(invitationRoutes, { invitations });
  const verifications = withEmailVerificationEvents(
    ctx.db,
    createEmailVerificationService(ctx.db, ctx.stores.emailVerifications, userStore, clock),
    outbox,
    ctx.stores.emailVerifications,
  );
  await app.register(emailVerificationRoutes, { verifications });
  const changes = withEmailChangeEvents(ctx.db, createEmailChangeService(ctx.db, ctx.stores.emailChanges, userStore, clock), outbox);
  await app.register(emailChangeRoutes, { changes });
  await app.register(authFactorRoutes, { factors: createAuthFactorService(ctx.db, ctx.stores.authFactors, userStore, clock) });
  await app.register(identityRoutes, { identities: ctx.stores.identities, userExists: userStore.exists });
  const sessions = withSessionEvents(ctx.db, createSessionService(ctx.db, ctx.stores.sessions, userStore.exists, clock), outbox, ctx.stores.sessions);
  await app.register(sessionRoutes, { sessions });
  await app.register(appUrlRoutes, { appUrls: createAppUrlService(ctx.db, ctx.stores.appUrls, clock) });
  await app.register(authorizedApplicationRoutes, {
    applications: createAuthorizedApplicationService(ctx.stores.authorizedApplications, userStore.exists),
  });
  await app.register(connectedAccountRoutes, {
    accounts: createConnectedAccountService(ctx.db, ctx.stores.connectedAccounts, userStore.exists),
  });
  await app.register(dataProviderRoutes, {
    providers: createDataProviderService(ctx.stores.dataProviders, ctx.stores.connectedAccounts, userStore.exists),
  });
  const keys = createSigningKeys(ctx.db);
  const baseSignIn = createAuthenticateService(
    ctx.db,
    ctx.stores.signIn,
    keys,
    {
      users: userStore,
      passwords: ctx.stores.passwords,
      memberships: membershipStore,
      accessOf: authorization.permissionsOf,
      sessions: ctx.stores.sessions,
      flagSlugsOf: (environmentId, userId) => allUserFlagSlugs(flags, environmentId, userId),
      isEnvironmentKey: (environmentId, secret) => ctx.stores.environments.keyOwner(secret) === environmentId,
    },
    clock,
  );
  const signIn = withSignInEvents(ctx.db, baseSignIn, outbox, { users: userStore, sessions });
  await app.register(authenticateRoutes, {
    signIn,
    keys,
    clock,
    environmentById: ctx.stores.environments.byId,
    environmentByPublicId: ctx.stores.environments.byPublicId,
  });
  // An expired target is removed by the server itself: its flag.rule_updated names a `system` actor.
  const systemFlags = withFlagEvents(ctx.db, classicFlags, outbox, flagChanges, 'system');
  const sweeper = createExpirySweeper({
    store: ctx.stores.expiries,
    transaction: (fn) => ctx.db.transaction(fn)(),
    removeTarget: systemFlags.removeTarget,
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
  // The admin routes' target writes (through the expiry service) are the dashboard's too.
  await app.register(featureFlagAdminRoutes, {
    prefix: ADMIN_PREFIX,
    flags: dashboardFlags,
    rules: withRuleEvents(ctx.db, rules, ctx.stores.flags, flagChanges, 'dashboard'),
    expiry: createExpiryService(ctx.db, ctx.stores.expiries, dashboardFlags, sweeper.sweep),
  });
  await app.register(deliveryAdminRoutes, { prefix: ADMIN_PREFIX, deliveries });
  await app.register(clockRoutes, { prefix: ADMIN_PREFIX, clock, environmentIdOf: ctx.admin.resolveId });
  await app.register(emailVerificationAdminRoutes, { prefix: ADMIN_PREFIX, verifications });
  await app.register(emailChangeAdminRoutes, { prefix: ADMIN_PREFIX, changes });
  await app.register(authenticateAdminRoutes, { prefix: ADMIN_PREFIX, signIn });

  if (ctx.onClose) app.addHook('onClose', async () => ctx.onClose!());
  await app.ready();
  return app;
}
