import { Type } from '@sinclair/typebox';
import { ErrorBody, ListOf } from '../../http/schemas.js';
import { ListQuery } from '../../http/pagination.js';

// The Flag component lives in flag-schema.ts, which the package's public types can import without
// the server's internals; FlagList and the route schemas are here.
export { FeatureFlag, FlagOwner } from './flag-schema.js';

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
