import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import {
  ErrorBody,
  ListOf,
  Metadata,
  MetadataInput as MetadataInputOf,
  MetadataPatch as MetadataPatchOf,
  Name,
  Nullable,
  StringEnum,
  Timestamp,
} from '../../http/schemas.js';

// TypeBox mirrors of the spec components Organization, OrganizationDomainStandAlone (the same
// shape as Organization.domains[]), OrganizationList, OrganizationDto and UpdateOrganizationDto
// (@workos/openapi-spec 0.1.0).

export const DOMAIN_STATES = ['failed', 'legacy_verified', 'pending', 'unverified', 'verified'] as const;

export const OrganizationDomain = Type.Object(
  {
    object: Type.Literal('organization_domain'),
    id: Type.String(),
    organization_id: Type.String(),
    domain: Type.String(),
    state: StringEnum(DOMAIN_STATES),
    // spec: plain strings, not nullable, so they are left out when unset.
    verification_prefix: Type.Optional(Type.String()),
    verification_token: Type.Optional(Type.String()),
    verification_strategy: StringEnum(['dns', 'manual'] as const),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'OrganizationDomain' },
);
export type OrganizationDomainWire = Static<typeof OrganizationDomain>;

export const Organization = Type.Object(
  {
    object: Type.Literal('organization'),
    id: Type.String(),
    name: Type.String(),
    domains: Type.Array(Type.Ref('OrganizationDomain')),
    metadata: Metadata,
    external_id: Nullable(Type.String()),
    // spec: a plain string, not nullable: absent when the organization has none.
    stripe_customer_id: Type.Optional(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
    allow_profiles_outside_organization: Type.Boolean(),
  },
  { $id: 'Organization' },
);
export type OrganizationWire = Static<typeof Organization>;

const DomainData = Type.Object({
  domain: Type.String({ description: 'The domain value.' }),
  state: StringEnum(['pending', 'verified'] as const, { description: 'The verification state of the domain.' }),
});
export type DomainData = Static<typeof DomainData>;

const MetadataInput = MetadataInputOf('Organization');
const MetadataPatch = MetadataPatchOf('Organization');

const OrganizationName = Name({ minLength: 1, pattern: '\\S', description: 'The name of the organization.' });
const ExternalId = Nullable(Type.String({ maxLength: 128, description: 'An external identifier for the Organization.' }));
const AllowProfiles = Type.Boolean({
  description: 'Whether the organization allows profiles from outside the organization to sign in.',
});
const DeprecatedDomains = Type.Array(Type.String(), {
  deprecated: true,
  description: 'The domains associated with the organization. Deprecated in favor of `domain_data`.',
});

export const OrganizationDto = Type.Object({
  name: OrganizationName,
  allow_profiles_outside_organization: Type.Optional(AllowProfiles),
  domains: Type.Optional(DeprecatedDomains),
  domain_data: Type.Optional(Type.Array(DomainData)),
  metadata: Type.Optional(MetadataInput),
  external_id: Type.Optional(ExternalId),
});
export type OrganizationDto = Static<typeof OrganizationDto>;

export const UpdateOrganizationDto = Type.Object({
  name: Type.Optional(OrganizationName),
  allow_profiles_outside_organization: Type.Optional(AllowProfiles),
  domains: Type.Optional(DeprecatedDomains),
  domain_data: Type.Optional(Type.Array(DomainData)),
  // spec: a string; null (which the SDK's types allow) removes it.
  stripe_customer_id: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
  metadata: Type.Optional(MetadataPatch),
  external_id: Type.Optional(ExternalId),
});
export type UpdateOrganizationDto = Static<typeof UpdateOrganizationDto>;

export const ListOrganizationsQuery = Type.Object({
  ...ListQuery.properties,
  domains: Type.Optional(
    Type.Array(Type.String(), {
      description: 'The domains of an Organization. Any Organization with a matching domain will be returned.',
    }),
  ),
  search: Type.Optional(Type.String({ description: 'Searchable text for an Organization. Matches against the organization name.' })),
});
export type ListOrganizationsQuery = Static<typeof ListOrganizationsQuery>;

const IdParams = Type.Object({ id: Type.String({ description: 'Unique identifier of the Organization.' }) });
const OrganizationRef = Type.Ref('Organization');

// One route schema per spec operationId.
export const listOrganizations = {
  operationId: 'OrganizationsController_list',
  tags: ['organizations'],
  querystring: ListOrganizationsQuery,
  response: { 200: ListOf(OrganizationRef), 422: ErrorBody },
};
export const createOrganization = {
  operationId: 'OrganizationsController_create',
  tags: ['organizations'],
  body: OrganizationDto,
  response: { 201: OrganizationRef, 400: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getOrganization = {
  operationId: 'OrganizationsController_find',
  tags: ['organizations'],
  params: IdParams,
  response: { 200: OrganizationRef, 404: ErrorBody },
};
export const getOrganizationByExternalId = {
  operationId: 'OrganizationsController_getByExternalId',
  tags: ['organizations'],
  params: Type.Object({ external_id: Type.String({ description: 'The external ID of the Organization.' }) }),
  response: { 200: OrganizationRef, 404: ErrorBody },
};
export const updateOrganization = {
  operationId: 'OrganizationsController_updateOrganization',
  tags: ['organizations'],
  params: IdParams,
  body: UpdateOrganizationDto,
  response: { 200: OrganizationRef, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const deleteOrganization = {
  operationId: 'OrganizationsController_deleteOrganization',
  tags: ['organizations'],
  params: IdParams,
  // spec: 200 or 202 with no body.
  response: { 202: Type.Unsafe<undefined>({ type: 'null', description: 'Accepted: no body.' }), 404: ErrorBody },
};
