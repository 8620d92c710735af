import { Type, type Static } from '@sinclair/typebox';
import { Metadata, Name, Nullable, StringEnum, Tags } from '../http/schemas.js';
import { userManagementLists } from './user-management.js';

// The seed file speaks the API's snake_case. Ids are optional everywhere and pinned when given.

const Id = Type.String({ minLength: 1 });
const Timestamp = Type.String({ format: 'date-time' });

export const SeedDomain = Type.Object(
  {
    id: Type.Optional(Id),
    domain: Type.String({ minLength: 1 }),
    state: Type.Optional(StringEnum(['failed', 'legacy_verified', 'pending', 'unverified', 'verified'] as const)),
    verification_strategy: Type.Optional(StringEnum(['dns', 'manual'] as const)),
  },
  { additionalProperties: false },
);

/** An organization API key with a known secret, so tests can validate it (the API only shows new secrets once). */
export const SeedOrganizationApiKey = Type.Object(
  {
    id: Type.Optional(Id),
    name: Type.String({ minLength: 1 }),
    value: Type.String({ pattern: '^\\S+$' }),
    permissions: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    expires_at: Type.Optional(Nullable(Timestamp)),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedOrganization = Type.Object(
  {
    id: Type.Optional(Id),
    name: Type.String({ minLength: 1 }),
    external_id: Type.Optional(Nullable(Type.String())),
    metadata: Type.Optional(Metadata),
    allow_profiles_outside_organization: Type.Optional(Type.Boolean()),
    stripe_customer_id: Type.Optional(Nullable(Type.String())),
    domains: Type.Optional(Type.Array(Type.Union([Type.String({ minLength: 1 }), SeedDomain]))),
    api_keys: Type.Optional(Type.Array(SeedOrganizationApiKey)),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedUser = Type.Object(
  {
    id: Type.Optional(Id),
    email: Type.String({ minLength: 3, pattern: '^[^@\\s]+@[^@\\s]+$' }),
    first_name: Type.Optional(Nullable(Type.String())),
    last_name: Type.Optional(Nullable(Type.String())),
    email_verified: Type.Optional(Type.Boolean()),
    profile_picture_url: Type.Optional(Nullable(Type.String())),
    external_id: Type.Optional(Nullable(Type.String())),
    metadata: Type.Optional(Metadata),
    last_sign_in_at: Type.Optional(Nullable(Timestamp)),
    locale: Type.Optional(Nullable(Type.String())),
    /** Kept only as a hash, for POST /user_management/authenticate with grant_type password. */
    password: Type.Optional(Type.String({ minLength: 1 })),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedMembership = Type.Object(
  {
    id: Type.Optional(Id),
    user_id: Id,
    organization_id: Id,
    status: Type.Optional(StringEnum(['active', 'inactive', 'pending'] as const)),
    role_slug: Type.Optional(Type.String({ minLength: 1 })),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

// Environment roles beside the default `admin` and `member`; an entry with one of those slugs overrides its fields.
// With `organization_id`, a custom role of that organization (slug `org-…`).
export const SeedRole = Type.Object(
  {
    id: Type.Optional(Id),
    slug: Type.String({ minLength: 1, maxLength: 255 }),
    organization_id: Type.Optional(Id),
    resource_type_slug: Type.Optional(Type.String({ minLength: 1 })),
    name: Type.Optional(Name({ minLength: 1 })),
    description: Type.Optional(Nullable(Type.String())),
    permissions: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

/** A permission; roles may also name permissions not listed here, which then exist with their slug as name. */
export const SeedPermission = Type.Object(
  {
    id: Type.Optional(Id),
    slug: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.Optional(Nullable(Type.String())),
    resource_type_slug: Type.Optional(Type.String({ minLength: 1 })),
    /** A system permission (managed by WorkOS in production) cannot be deleted over the API. */
    system: Type.Optional(Type.Boolean()),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

/** A resource type (the dashboard's schema); `parent` is the one type its resources' parents must have. */
export const SeedResourceType = Type.Object(
  {
    slug: Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9][a-z0-9_-]*$' }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    parent: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false },
);

/** A resource; its parent (by pinned id, or external id + type) comes earlier in the list, else the organization. */
export const SeedResource = Type.Object(
  {
    id: Type.Optional(Id),
    organization_id: Id,
    resource_type_slug: Type.String({ minLength: 1 }),
    external_id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.Optional(Type.String({ minLength: 1 })),
    description: Type.Optional(Nullable(Type.String())),
    parent_resource_id: Type.Optional(Id),
    parent_resource_external_id: Type.Optional(Type.String({ minLength: 1 })),
    parent_resource_type_slug: Type.Optional(Type.String({ minLength: 1 })),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

/** A role given to a membership (pinned id) on a resource (pinned id, or external id + type). */
export const SeedRoleAssignment = Type.Object(
  {
    id: Type.Optional(Id),
    organization_membership_id: Id,
    role_slug: Type.String({ minLength: 1 }),
    resource_id: Type.Optional(Id),
    resource_external_id: Type.Optional(Type.String({ minLength: 1 })),
    resource_type_slug: Type.Optional(Type.String({ minLength: 1 })),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedTarget = Type.Union([
  Id,
  Type.Object(
    {
      id: Id,
      enabled: Type.Optional(Type.Boolean()),
      // A user target may expire: removed as the WorkOS DELETE would once the environment's clock passes it.
      expires_at: Type.Optional(Timestamp),
    },
    { additionalProperties: false },
  ),
]);

/** A rule of a flag (the rules API's model): in the order given, which is evaluation order. */
export const SeedRule = Type.Object(
  {
    id: Type.Optional(Id),
    target_type: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }),
    value: Type.Boolean(),
    targets: Type.Optional(Type.Array(Id)),
    created_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

export const SeedFlag = Type.Object(
  {
    id: Type.Optional(Id),
    slug: Type.String({ minLength: 1, maxLength: 255 }),
    name: Type.Optional(Name({ minLength: 1 })),
    description: Type.Optional(Nullable(Type.String())),
    owner: Type.Optional(
      Type.Union([
        Type.Object(
          {
            email: Type.String({ minLength: 1 }),
            first_name: Type.Optional(Nullable(Type.String())),
            last_name: Type.Optional(Nullable(Type.String())),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ]),
    ),
    tags: Type.Optional(Tags()),
    enabled: Type.Optional(Type.Boolean()),
    default_value: Type.Optional(Type.Boolean()),
    targets: Type.Optional(Type.Array(SeedTarget)),
    rules: Type.Optional(Type.Array(SeedRule)),
    created_at: Type.Optional(Timestamp),
    updated_at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);

// Not unique: see migrations/0030. Top level too, so a one-environment seed can set it.
export const LaunchDarklyKey = Type.String({
  minLength: 1,
  maxLength: 256,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'The key LaunchDarkly-dialect paths may name this environment by, beside its name.',
});

const environmentLists = {
  launchdarkly_key: Type.Optional(LaunchDarklyKey),
  api_keys: Type.Optional(Type.Array(Type.String({ pattern: '^sk_\\S+$' }))),
  organizations: Type.Optional(Type.Array(SeedOrganization)),
  roles: Type.Optional(Type.Array(SeedRole)),
  permissions: Type.Optional(Type.Array(SeedPermission)),
  resource_types: Type.Optional(Type.Array(SeedResourceType)),
  resources: Type.Optional(Type.Array(SeedResource)),
  role_assignments: Type.Optional(Type.Array(SeedRoleAssignment)),
  users: Type.Optional(Type.Array(SeedUser)),
  organization_memberships: Type.Optional(Type.Array(SeedMembership)),
  feature_flags: Type.Optional(Type.Array(SeedFlag)),
  ...userManagementLists,
};

/** One environment's contents. */
export const SeedEnvironment = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1 })), ...environmentLists },
  { additionalProperties: false },
);

/** A seed file: one environment at the top level, or several under `environments`. */
export const SeedDocument = Type.Union([
  Type.Object({ environments: Type.Array(SeedEnvironment, { minItems: 1 }) }, { additionalProperties: false }),
  Type.Object(environmentLists, { additionalProperties: false }),
]);

export type SeedEnvironment = Static<typeof SeedEnvironment>;
export type SeedDocument = Static<typeof SeedDocument>;
export type SeedFlag = Static<typeof SeedFlag>;
export type SeedRole = Static<typeof SeedRole>;
export type SeedPermission = Static<typeof SeedPermission>;
export type SeedResource = Static<typeof SeedResource>;
export type SeedRoleAssignment = Static<typeof SeedRoleAssignment>;
export type SeedTarget = Static<typeof SeedTarget>;
export type SeedRule = Static<typeof SeedRule>;
