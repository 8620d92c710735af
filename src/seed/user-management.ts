import { Type, type Static } from '@sinclair/typebox';
import { newId } from '../ids.js';
import { DEFAULT_ROLE_SLUG } from '../modules/roles/defaults.js';
import { newInvitationToken, INVITATION_DAYS } from '../modules/invitations/service.js';
import type { Stores } from '../stores.js';
import { StringEnum } from '../http/schemas.js';

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

export const userManagementLists = {
  invitations: Type.Optional(Type.Array(SeedInvitation)),
};

interface SeedLists {
  invitations?: SeedInvitation[];
}

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
}

const iso = (value: string | undefined) => (value === undefined ? undefined : new Date(value).toISOString());

/** Inserts the entries through the stores; call inside the seed's transaction. Returns the rows written. */
export function insertUserManagementSeed(stores: Stores, environmentId: string, env: SeedLists, now: string): number {
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
  return rows;
}
