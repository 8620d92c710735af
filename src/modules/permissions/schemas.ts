import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components AuthorizationPermission and its DTOs (@workos/openapi-spec 0.1.0).

export const AuthorizationPermission = Type.Object(
  {
    object: Type.Literal('permission'),
    id: Type.String(),
    slug: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    system: Type.Boolean(),
    resource_type_slug: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'AuthorizationPermission' },
);
export type AuthorizationPermission = Static<typeof AuthorizationPermission>;

/** spec: "lowercase … letters, numbers, hyphens, underscores, colons, periods, and asterisks". */
export const PermissionSlug = Type.String({
  minLength: 1,
  maxLength: 48,
  pattern: '^[a-z0-9_.:*-]+$',
  description: 'A unique key to reference the permission: lowercase letters, numbers, hyphens, underscores, colons, periods, asterisks.',
});

/** A resource type slug as the spec's DTOs take it (maxLength 48). */
export const ResourceTypeSlug = Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'The slug of a resource type.' });

export const CreatePermissionBody = Type.Object({
  slug: PermissionSlug,
  name: Type.String({ minLength: 1, maxLength: 48, description: 'A descriptive name for the Permission.' }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 150, description: 'An optional description of the Permission.' }))),
  resource_type_slug: Type.Optional(ResourceTypeSlug),
});
export type CreatePermissionBody = Static<typeof CreatePermissionBody>;

export const UpdatePermissionBody = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 48, description: 'A descriptive name for the Permission.' })),
  description: Type.Optional(Nullable(Type.String({ maxLength: 150, description: 'An optional description of the Permission.' }))),
});
export type UpdatePermissionBody = Static<typeof UpdatePermissionBody>;

const SlugParams = Type.Object({ slug: Type.String({ description: 'A unique key to reference the permission.' }) });
const tags = ['authorization'];
const Permission = Type.Ref('AuthorizationPermission');

export const listPermissions = {
  operationId: 'AuthorizationPermissionsController_list',
  tags,
  querystring: ListQuery,
  response: { 200: ListOf(Permission), 404: ErrorBody, 422: ErrorBody },
};
export const createPermission = {
  operationId: 'AuthorizationPermissionsController_create',
  tags,
  body: CreatePermissionBody,
  response: { 201: Permission, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getPermission = {
  operationId: 'AuthorizationPermissionsController_find',
  tags,
  params: SlugParams,
  response: { 200: Permission, 404: ErrorBody },
};
export const updatePermission = {
  operationId: 'AuthorizationPermissionsController_update',
  tags,
  params: SlugParams,
  body: UpdatePermissionBody,
  response: { 200: Permission, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const deletePermission = {
  operationId: 'AuthorizationPermissionsController_delete',
  tags,
  params: SlugParams,
  response: { 204: Type.Null({ description: 'No Content' }), 403: ErrorBody, 404: ErrorBody },
};
