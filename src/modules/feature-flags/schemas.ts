import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, ListOf, Nullable, Timestamp } from '../../http/schemas.js';
import { ListQuery } from '../../http/pagination.js';

// TypeBox mirrors of the spec components Flag and FlagList (@workos/openapi-spec 0.1.0).
export const FlagOwner = Type.Object({
  email: Type.String(),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
});
export type FlagOwner = Static<typeof FlagOwner>;

export const FeatureFlag = Type.Object(
  {
    object: Type.Literal('feature_flag'),
    id: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    owner: Type.Union([FlagOwner, Type.Null()]),
    tags: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    default_value: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'FeatureFlag' },
);
export type FeatureFlag = Static<typeof FeatureFlag>;

export const FlagList = ListOf(Type.Ref('FeatureFlag'));

const SlugParams = Type.Object({ slug: Type.String({ description: 'A unique key to reference the Feature Flag.' }) });
const TargetParams = Type.Object({
  slug: Type.String({ description: 'The unique slug identifier of the feature flag.' }),
  resourceId: Type.String({ description: 'The resource ID in format "user_<id>" or "org_<id>".' }),
});

// One route schema per spec operationId.
export const listFeatureFlags = {
  operationId: 'FeatureFlagsController_list',
  tags: ['feature-flags'],
  querystring: ListQuery,
  response: { 200: FlagList, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const getFeatureFlag = {
  operationId: 'FeatureFlagsController_findBySlug',
  tags: ['feature-flags'],
  params: SlugParams,
  response: { 200: Type.Ref('FeatureFlag'), 404: ErrorBody },
};
export const enableFeatureFlag = {
  operationId: 'FeatureFlagsController_enableFlag',
  tags: ['feature-flags'],
  params: SlugParams,
  response: { 200: Type.Ref('FeatureFlag'), 404: ErrorBody },
};
export const disableFeatureFlag = {
  operationId: 'FeatureFlagsController_disableFlag',
  tags: ['feature-flags'],
  params: SlugParams,
  response: { 200: Type.Ref('FeatureFlag'), 404: ErrorBody },
};
export const addFlagTarget = {
  operationId: 'FlagTargetsController_createTarget',
  tags: ['feature-flags.targets'],
  params: TargetParams,
  response: { 204: Type.Null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
};
export const removeFlagTarget = {
  operationId: 'FlagTargetsController_deleteTarget',
  tags: ['feature-flags.targets'],
  params: TargetParams,
  response: { 204: Type.Null(), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
};
export const listOrganizationFeatureFlags = {
  operationId: 'OrganizationFeatureFlagsController_list',
  tags: ['organizations.feature-flags'],
  params: Type.Object({ organizationId: Type.String({ description: 'Unique identifier of the Organization.' }) }),
  querystring: ListQuery,
  response: { 200: FlagList, 400: ErrorBody, 404: ErrorBody },
};
export const listUserFeatureFlags = {
  operationId: 'UserlandUserFeatureFlagsController_list',
  tags: ['user-management.users.feature-flags'],
  params: Type.Object({ userId: Type.String({ description: 'The ID of the user.' }) }),
  querystring: ListQuery,
  response: { 200: FlagList, 400: ErrorBody, 404: ErrorBody },
};
