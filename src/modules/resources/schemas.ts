import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components AuthorizationResource and its DTOs (@workos/openapi-spec 0.1.0).

export const AuthorizationResource = Type.Object(
  {
    object: Type.Literal('authorization_resource'),
    name: Type.String(),
    description: Nullable(Type.String()),
    organization_id: Type.String(),
    parent_resource_id: Nullable(Type.String()),
    id: Type.String(),
    external_id: Type.String(),
    resource_type_slug: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'AuthorizationResource' },
);
export type AuthorizationResource = Static<typeof AuthorizationResource>;

const Name = Type.String({ minLength: 1, maxLength: 48, description: 'A display name for the resource.' });
const Description = Nullable(Type.String({ maxLength: 150, description: 'An optional description of the resource.' }));

// spec: the parent is named by id or by external id + type, never both (checked by the service).
const parentFields = {
  parent_resource_id: Type.Optional(Nullable(Type.String({ description: 'The ID of the parent resource.' }))),
  parent_resource_external_id: Type.Optional(Type.String({ description: 'The external ID of the parent resource. Required with `parent_resource_type_slug`.' })),
  parent_resource_type_slug: Type.Optional(Type.String({ description: 'The resource type slug of the parent resource. Required with `parent_resource_external_id`.' })),
};

export const CreateResourceBody = Type.Object({
  // 0.61.0: ASCII only.
  external_id: Type.String({ minLength: 1, maxLength: 128, pattern: '^[\\x00-\\x7F]+$', description: 'An external identifier for the resource.' }),
  name: Name,
  description: Type.Optional(Description),
  resource_type_slug: Type.String({ minLength: 1, maxLength: 48, pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'The slug of the resource type.' }),
  organization_id: Type.String({ minLength: 1, description: 'The ID of the organization this resource belongs to.' }),
  ...parentFields,
});
export type CreateResourceBody = Static<typeof CreateResourceBody>;

export const UpdateResourceBody = Type.Object({ name: Type.Optional(Name), description: Type.Optional(Description), ...parentFields });
export type UpdateResourceBody = Static<typeof UpdateResourceBody>;

export const ListResourcesQuery = Type.Composite([
  ListQuery,
  Type.Object({
    organization_id: Type.Optional(Type.String({ description: 'Filter resources by organization ID.' })),
    resource_type_slug: Type.Optional(Type.String({ description: 'Filter resources by resource type slug.' })),
    resource_external_id: Type.Optional(Type.String({ description: 'Filter resources by external ID.' })),
    parent_resource_id: Type.Optional(Type.String({ description: 'Filter resources by parent resource ID.' })),
    parent_resource_type_slug: Type.Optional(Type.String({ description: 'Filter resources by parent resource type slug (with `parent_external_id`).' })),
    parent_external_id: Type.Optional(Type.String({ description: 'Filter resources by parent external ID (with `parent_resource_type_slug`).' })),
    search: Type.Optional(Type.String({ description: 'Search resources by name.' })),
  }),
]);
export type ListResourcesQuery = Static<typeof ListResourcesQuery>;

export const DeleteQuery = Type.Object({
  cascade_delete: Type.Optional(
    Type.Boolean({ default: false, description: 'If true, deletes all descendant resources and role assignments; otherwise a resource with either is not deleted.' }),
  ),
});

const tags = ['authorization'];
const ResourceRef = Type.Ref('AuthorizationResource');
const IdParams = Type.Object({ resource_id: Type.String({ description: 'The ID of the authorization resource.' }) });
export const ExternalParams = Type.Object({
  organization_id: Type.String({ description: 'The ID of the organization that owns the resource.' }),
  resource_type_slug: Type.String({ description: 'The slug of the resource type.' }),
  external_id: Type.String({ description: 'An identifier you provide to reference the resource in your system.' }),
});
export type ExternalParams = Static<typeof ExternalParams>;

export const listResources = {
  operationId: 'AuthorizationResourcesController_list',
  tags,
  querystring: ListResourcesQuery,
  response: { 200: ListOf(ResourceRef), 403: ErrorBody, 422: ErrorBody },
};
export const createResource = {
  operationId: 'AuthorizationResourcesController_create',
  tags,
  body: CreateResourceBody,
  response: { 201: ResourceRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const getResource = {
  operationId: 'AuthorizationResourcesController_findById',
  tags,
  params: IdParams,
  response: { 200: ResourceRef, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const updateResource = {
  operationId: 'AuthorizationResourcesController_update',
  tags,
  params: IdParams,
  body: UpdateResourceBody,
  response: { 200: ResourceRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const deleteResource = {
  operationId: 'AuthorizationResourcesController_delete',
  tags,
  params: IdParams,
  querystring: DeleteQuery,
  response: { 204: Type.Null({ description: 'No Content' }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
};
export const getResourceByExternalId = {
  operationId: 'AuthorizationResourcesByExternalIdController_getByExternalId',
  tags,
  params: ExternalParams,
  response: { 200: ResourceRef, 403: ErrorBody, 404: ErrorBody },
};
export const updateResourceByExternalId = {
  operationId: 'AuthorizationResourcesByExternalIdController_updateByExternalId',
  tags,
  params: ExternalParams,
  body: UpdateResourceBody,
  response: { 200: ResourceRef, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const deleteResourceByExternalId = {
  operationId: 'AuthorizationResourcesByExternalIdController_deleteByExternalId',
  tags,
  params: ExternalParams,
  querystring: DeleteQuery,
  response: { 204: Type.Null({ description: 'No Content' }), 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody },
};
