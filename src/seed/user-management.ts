import { Type, type Static } from '@sinclair/typebox';
import { newId } from '../ids.js';
import { DEFAULT_ROLE_SLUG } from '../modules/roles/defaults.js';
import { newInvitationToken, INVITATION_DAYS } from '../modules/invitations/service.js';
import type { Stores } from '../stores.js';
import { StringEnum } from '../http/schemas.js';
import { DEFAULT_TOTP_ISSUER } from '../modules/auth-factors/service.js';
import { normalizeTotpSecret, newTotpSecret } from '../modules/auth-factors/totp.js';
import { OAUTH_PROVIDERS } from '../modules/identities/store.js';
import { SESSION_TTL_MS } from '../modules/sessions/service.js';
import { AUTH_METHODS } from '../modules/sessions/store.js';

// Seed entries of the User Management areas beyond users and memberships. Ids are optional and pinned when given.

const Id = Type.String({ minLength: 1 });
const Timestamp = Type.String({ format: 'date-time' });

/** An invitation; `token` pinned lets a test accept it by token. `expired` is not a state to seed: give expires_at. */
export const SeedInvitation = Type.Object(
  {
    id: Type.Optional(Id),
    email: Type.String({ minLength: 3, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    organization_id: Type.Optional(Id),
    inviter_user_id: Type.Optional(Id),
    role_slug: Type.Optional(Type.String({ minLength: 1 })),
    state: Type.Optional(StringEnum(['pending', 'accepted', 'revoked'] as const)),
    accepted_user_id: Type.Optional(Id),
    token: Type.Optional(Type.String({ minLength: 1, pattern: '^\\S+$' })),
    expires_at: Type.Optional(Timestamp),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type SeedInvitation = Static<typeof SeedInvitation>;

export const SeedIdentity = Type.Object(
  { user_id: Id, provider: StringEnum(OAUTH_PROVIDERS), idp_id: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

/** A session (sign-in makes them too); `expired` is not a state to seed: give expires_at. */
export const SeedSession = Type.Object(
  {
    id: Type.Optional(Id),
    user_id: Id,
    organization_id: Type.Optional(Id),
    auth_method: Type.Optional(StringEnum(AUTH_METHODS)),
    status: Type.Optional(StringEnum(['active', 'revoked'] as const)),
    ip_address: Type.Optional(Type.String()),
    user_agent: Type.Optional(Type.String()),
    impersonator: Type.Optional(
      Type.Object({ email: Type.String({ minLength: 1 }), reason: Type.Optional(Type.String()) }, { additionalProperties: false }),
    ),
    expires_at: Type.Optional(Timestamp),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

/** A TOTP factor; a pinned totp_secret lets a test compute codes. */
export const SeedAuthFactor = Type.Object(
  {
    id: Type.Optional(Id),
    user_id: Id,
    totp_issuer: Type.Optional(Type.String({ minLength: 1 })),
    totp_user: Type.Optional(Type.String({ minLength: 1 })),
    totp_secret: Type.Optional(Type.String({ pattern: '^[A-Za-z2-7]{16,}=*$' })),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

/** A Connect application a user authorized: oauth (first-party unless organization_id is given) or m2m. */
export const SeedAuthorizedApplication = Type.Object(
  {
    id: Type.Optional(Id),
    user_id: Id,
    application: Type.Object(
      {
        id: Type.Optional(Id),
        client_id: Type.Optional(Type.String({ minLength: 1 })),
        name: Type.String({ minLength: 1 }),
        description: Type.Optional(Type.String()),
        scopes: Type.Optional(Type.Array(Type.String())),
        application_type: Type.Optional(StringEnum(['oauth', 'm2m'] as const)),
        organization_id: Type.Optional(Id),
        redirect_uris: Type.Optional(Type.Array(Type.String({ format: 'uri' }))),
        uses_pkce: Type.Optional(Type.Boolean()),
      },
      { additionalProperties: false },
    ),
    granted_scopes: Type.Optional(Type.Array(Type.String())),
    oauth_resource: Type.Optional(Type.String()),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedDataProvider = Type.Object(
  {
    id: Type.Optional(Id),
    slug: Type.String({ minLength: 1, pattern: '^[a-z0-9-_]+$' }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.Optional(Type.String()),
    integration_type: Type.Optional(Type.String({ minLength: 1 })),
    credentials_type: Type.Optional(Type.String({ minLength: 1 })),
    scopes: Type.Optional(Type.Array(Type.String())),
    ownership: Type.Optional(StringEnum(['userland_user', 'organization'] as const)),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedConnectedAccount = Type.Object(
  {
    id: Type.Optional(Id),
    user_id: Id,
    provider: Type.String({ minLength: 1, description: 'The slug of a data provider of this seed.' }),
    organization_id: Type.Optional(Id),
    scopes: Type.Optional(Type.Array(Type.String())),
    state: Type.Optional(StringEnum(['connected', 'needs_reauthorization', 'disconnected'] as const)),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const userManagementLists = {
  invitations: Type.Optional(Type.Array(SeedInvitation)),
  identities: Type.Optional(Type.Array(SeedIdentity)),
  sessions: Type.Optional(Type.Array(SeedSession)),
  auth_factors: Type.Optional(Type.Array(SeedAuthFactor)),
  authorized_applications: Type.Optional(Type.Array(SeedAuthorizedApplication)),
  data_providers: Type.Optional(Type.Array(SeedDataProvider)),
  connected_accounts: Type.Optional(Type.Array(SeedConnectedAccount)),
};

type SeedLists = { [K in keyof typeof userManagementLists]?: Static<(typeof userManagementLists)[K]> };

/** Checks references the schema cannot; `fail` throws naming the entry. */
export function checkUserManagementSeed(
  env: SeedLists,
  known: { users: Set<string>; organizations: Set<string>; roles: Set<string> },
  fail: (entry: string, why: string) => never,
): void {
  env.invitations?.forEach((inv, i) => {
    const entry = `invitations[${i}]`;
    if (inv.organization_id !== undefined && !known.organizations.has(inv.organization_id)) {
      fail(`${entry}.organization_id`, `'${inv.organization_id}' is not an organization of this seed`);
    }
    for (const field of ['inviter_user_id', 'accepted_user_id'] as const) {
      const id = inv[field];
      if (id !== undefined && !known.users.has(id)) fail(`${entry}.${field}`, `'${id}' is not a user of this seed`);
    }
    if (inv.role_slug !== undefined) {
      if (inv.organization_id === undefined) fail(`${entry}.role_slug`, 'a role needs an organization_id');
      if (!known.roles.has(inv.role_slug)) fail(`${entry}.role_slug`, `'${inv.role_slug}' is not a role of this environment`);
    }
    if ((inv.state === 'accepted') !== (inv.accepted_user_id !== undefined)) {
      fail(`${entry}.accepted_user_id`, 'an accepted invitation names its accepted_user_id, and only an accepted one');
    }
    if (inv.expires_at !== undefined && Number.isNaN(Date.parse(inv.expires_at))) fail(`${entry}.expires_at`, 'is not a readable time');
  });
  const user = (list: { user_id: string }[] | undefined, name: string) =>
    list?.forEach((item, i) => {
      if (!known.users.has(item.user_id)) fail(`${name}[${i}].user_id`, `'${item.user_id}' is not a user of this seed`);
    });
  const organization = (list: { organization_id?: string }[] | undefined, name: string) =>
    list?.forEach((item, i) => {
      const id = item.organization_id;
      if (id !== undefined && !known.organizations.has(id)) fail(`${name}[${i}].organization_id`, `'${id}' is not an organization of this seed`);
    });
  user(env.identities, 'identities');
  user(env.sessions, 'sessions');
  organization(env.sessions, 'sessions');
  user(env.auth_factors, 'auth_factors');
  user(env.authorized_applications, 'authorized_applications');
  user(env.connected_accounts, 'connected_accounts');
  organization(env.connected_accounts, 'connected_accounts');
  env.authorized_applications?.forEach((a, i) => {
    const id = a.application.organization_id;
    if (id !== undefined && !known.organizations.has(id)) fail(`authorized_applications[${i}].application.organization_id`, `'${id}' is not an organization of this seed`);
    if (a.application.application_type === 'm2m' && id === undefined) fail(`authorized_applications[${i}].application.organization_id`, 'an m2m application belongs to an organization');
  });
  const slugs = new Set<string>();
  env.data_providers?.forEach((p, i) => {
    if (slugs.has(p.slug)) fail(`data_providers[${i}].slug`, `duplicate slug '${p.slug}'`);
    slugs.add(p.slug);
  });
  const accounts = new Set<string>();
  env.connected_accounts?.forEach((a, i) => {
    if (!slugs.has(a.provider)) fail(`connected_accounts[${i}].provider`, `'${a.provider}' is not a data provider of this seed`);
    const key = `${a.user_id} ${a.provider} ${a.organization_id ?? ''}`;
    if (accounts.has(key)) fail(`connected_accounts[${i}]`, 'the user already has an account at this provider (for this organization)');
    accounts.add(key);
  });
  const identities = new Set<string>();
  env.identities?.forEach((x, i) => {
    const key = `${x.user_id} ${x.provider} ${x.idp_id}`;
    if (identities.has(key)) fail(`identities[${i}]`, 'duplicate identity');
    identities.add(key);
  });
}

const iso = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());

/** Inserts the entries through the stores; call inside the seed's transaction. Returns the rows written. */
export function insertUserManagementSeed(
  stores: Stores,
  environmentId: string,
  env: SeedLists & { users?: { id?: string; email: string }[] },
  now: string,
): number {
  let rows = 0;
  for (const inv of env.invitations ?? []) {
    const created_at = iso(inv.created_at) ?? now;
    const state = inv.state ?? 'pending';
    const organizationId = inv.organization_id ?? null;
    stores.invitations.insert(environmentId, {
      id: inv.id ?? newId('invitation'),
      email: inv.email.toLowerCase(),
      state,
      organization_id: organizationId,
      inviter_user_id: inv.inviter_user_id ?? null,
      accepted_user_id: inv.accepted_user_id ?? null,
      role_slug: organizationId === null ? null : (inv.role_slug ?? DEFAULT_ROLE_SLUG),
      token: inv.token ?? newInvitationToken(),
      expires_at: iso(inv.expires_at) ?? new Date(Date.parse(created_at) + INVITATION_DAYS.default * 86_400_000).toISOString(),
      accepted_at: state === 'accepted' ? created_at : null,
      revoked_at: state === 'revoked' ? created_at : null,
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  const positions = new Map<string, number>();
  for (const x of env.identities ?? []) {
    const position = positions.get(x.user_id) ?? 0;
    positions.set(x.user_id, position + 1);
    stores.identities.insert(environmentId, x.user_id, { provider: x.provider, idp_id: x.idp_id }, position);
    rows++;
  }
  for (const x of env.sessions ?? []) {
    const created_at = iso(x.created_at) ?? now;
    const revoked = x.status === 'revoked';
    stores.sessions.insert(environmentId, {
      id: x.id ?? newId('session'),
      user_id: x.user_id,
      organization_id: x.organization_id ?? null,
      auth_method: x.auth_method ?? (x.impersonator ? 'impersonation' : 'password'),
      status: revoked ? 'revoked' : 'active',
      ip_address: x.ip_address ?? null,
      user_agent: x.user_agent ?? null,
      impersonator_email: x.impersonator?.email ?? null,
      impersonator_reason: x.impersonator?.reason ?? null,
      expires_at: iso(x.expires_at) ?? new Date(Date.parse(created_at) + SESSION_TTL_MS).toISOString(),
      ended_at: revoked ? created_at : null,
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  for (const x of env.auth_factors ?? []) {
    const created_at = iso(x.created_at) ?? now;
    const email = env.users?.find((u) => u.id === x.user_id)?.email.toLowerCase() ?? x.user_id;
    stores.authFactors.insert(environmentId, {
      id: x.id ?? newId('authFactor'),
      user_id: x.user_id,
      type: 'totp',
      totp_issuer: x.totp_issuer ?? DEFAULT_TOTP_ISSUER,
      totp_user: x.totp_user ?? email,
      totp_secret: x.totp_secret === undefined ? newTotpSecret() : normalizeTotpSecret(x.totp_secret)!,
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  for (const x of env.authorized_applications ?? []) {
    const created_at = iso(x.created_at) ?? now;
    const application = connectApplication(x.application, created_at);
    stores.authorizedApplications.insert(environmentId, {
      id: x.id ?? newId('authorizedApplication'),
      user_id: x.user_id,
      application_id: application.id,
      client_id: application.client_id,
      application,
      granted_scopes: x.granted_scopes ?? application.scopes,
      oauth_resource: x.oauth_resource ?? null,
      created_at,
    });
    rows++;
  }
  for (const x of env.data_providers ?? []) {
    const created_at = iso(x.created_at) ?? now;
    stores.dataProviders.insert(environmentId, {
      id: x.id ?? newId('dataProvider'),
      slug: x.slug,
      name: x.name ?? x.slug,
      description: x.description ?? null,
      integration_type: x.integration_type ?? x.slug,
      credentials_type: x.credentials_type ?? 'oauth2',
      scopes: x.scopes ?? null,
      ownership: x.ownership ?? 'userland_user',
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  for (const x of env.connected_accounts ?? []) {
    const created_at = iso(x.created_at) ?? now;
    stores.connectedAccounts.insert(environmentId, {
      id: x.id ?? newId('connectedAccount'),
      user_id: x.user_id,
      provider_slug: x.provider,
      organization_id: x.organization_id ?? null,
      scopes: x.scopes ?? [],
      state: x.state ?? 'connected',
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  return rows;
}

type SeedApplication = Static<typeof SeedAuthorizedApplication>['application'];

/**
 * The ConnectApplication wire object (spec order) of a seeded application: an oauth one is
 * first-party unless it names an organization (then third-party, not dynamically registered).
 */
function connectApplication(a: SeedApplication, created_at: string) {
  const id = a.id ?? newId('connectApplication');
  const base = {
    object: 'connect_application' as const,
    id,
    client_id: a.client_id ?? `client_${id.slice(id.lastIndexOf('_') + 1)}`,
    description: a.description ?? null,
    name: a.name,
    scopes: a.scopes ?? [],
    created_at,
    updated_at: created_at,
  };
  if (a.application_type === 'm2m') return { ...base, application_type: 'm2m' as const, organization_id: a.organization_id ?? '' };
  const oauth = {
    ...base,
    application_type: 'oauth' as const,
    redirect_uris: (a.redirect_uris ?? []).map((uri, i) => ({ uri, default: i === 0 })),
    uses_pkce: a.uses_pkce ?? false,
  };
  return a.organization_id === undefined
    ? { ...oauth, is_first_party: true as const }
    : { ...oauth, is_first_party: false as const, was_dynamically_registered: false as const, organization_id: a.organization_id };
}
