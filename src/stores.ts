import type { Db } from './db/open.js';
import { createIdempotencyStore } from './http/idempotency-store.js';
import { createApiKeyStore } from './modules/api-keys/store.js';
import { createAuthFactorStore } from './modules/auth-factors/store.js';
import { createAuthorizedApplicationStore } from './modules/authorized-applications/store.js';
import { createConnectedAccountStore } from './modules/connected-accounts/store.js';
import { createDataProviderStore } from './modules/data-providers/store.js';
import { createIdentityStore } from './modules/identities/store.js';
import { createSessionStore } from './modules/sessions/store.js';
import { createSignInStore } from './modules/authenticate/store.js';
import { createPasswordStore } from './modules/users/password-store.js';
import { createEmailChangeStore } from './modules/email-change/store.js';
import { createEmailVerificationStore } from './modules/email-verification/store.js';
import { createEnvironmentStore } from './modules/environments/store.js';
import { createEventStore } from './modules/events/store.js';
import { createWebhookStore } from './modules/webhooks/store.js';
import { createExpiryStore } from './modules/expiry-sweeper/store.js';
import { createRuleStore } from './modules/feature-flags/rule-store.js';
import { createFlagStore } from './modules/feature-flags/store.js';
import { createInvitationStore } from './modules/invitations/store.js';
import { createMembershipStore } from './modules/memberships/store.js';
import { createOrganizationStore } from './modules/organizations/store.js';
import { createPermissionStore } from './modules/permissions/store.js';
import { createAppUrlStore } from './modules/app-urls/store.js';
import { createResourceStore } from './modules/resources/store.js';
import { createResourceTypeStore } from './modules/resources/type-store.js';
import { createRoleAssignmentStore } from './modules/role-assignments/store.js';
import { createRoleStore } from './modules/roles/store.js';
import { createUserStore } from './modules/users/store.js';

/** Every store of one database, prepared once. */
export function createStores(db: Db) {
  return {
    environments: createEnvironmentStore(db),
    organizations: createOrganizationStore(db),
    users: createUserStore(db),
    memberships: createMembershipStore(db),
    roles: createRoleStore(db),
    permissions: createPermissionStore(db),
    resourceTypes: createResourceTypeStore(db),
    resources: createResourceStore(db),
    roleAssignments: createRoleAssignmentStore(db),
    flags: createFlagStore(db),
    events: createEventStore(db),
    webhooks: createWebhookStore(db),
    expiries: createExpiryStore(db),
    rules: createRuleStore(db),
    idempotency: createIdempotencyStore(db),
    apiKeys: createApiKeyStore(db),
    invitations: createInvitationStore(db),
    emailVerifications: createEmailVerificationStore(db),
    emailChanges: createEmailChangeStore(db),
    authFactors: createAuthFactorStore(db),
    identities: createIdentityStore(db),
    sessions: createSessionStore(db),
    authorizedApplications: createAuthorizedApplicationStore(db),
    dataProviders: createDataProviderStore(db),
    connectedAccounts: createConnectedAccountStore(db),
    passwords: createPasswordStore(db),
    signIn: createSignInStore(db),
    appUrls: createAppUrlStore(db),
  };
}

export type Stores = ReturnType<typeof createStores>;
