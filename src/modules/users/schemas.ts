import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Metadata, MetadataInput, MetadataPatch, Name, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components UserlandUser, UserlandUserList, CreateUserlandUserDto and
// UpdateUserlandUserDto (@workos/openapi-spec 0.1.0).

export const User = Type.Object(
  {
    object: Type.Literal('user'),
    id: Type.String(),
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    profile_picture_url: Nullable(Type.String()),
    email: Type.String(),
    email_verified: Type.Boolean(),
    external_id: Nullable(Type.String()),
    metadata: Metadata,
    last_sign_in_at: Nullable(Type.String({ format: 'date-time' })),
    locale: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'User' },
);
export type User = Static<typeof User>;

/** A plausible address: something@something, no spaces. Deliverability is not checked. */
export const EMAIL_PATTERN = '^[^@\\s]+@[^@\\s]+$';

const ExternalId = Nullable(Type.String({ maxLength: 128, description: 'The external ID of the user.' }));

export const PASSWORD_HASH_TYPES = ['bcrypt', 'firebase-scrypt', 'ssha', 'scrypt', 'pbkdf2', 'argon2'] as const;

// spec: password, or password_hash with password_hash_type (mutually exclusive). A password is kept as a scrypt hash for sign-in; an imported hash is accepted and dropped.
const passwordFields = {
  password: Type.Optional(Nullable(Type.String({ description: 'Kept only as a hash, for POST /user_management/authenticate.' }))),
  password_hash: Type.Optional(Type.String({ description: 'Accepted and dropped: only `password` signs in here.' })),
  password_hash_type: Type.Optional(StringEnum(PASSWORD_HASH_TYPES)),
};

// Unknown fields are ignored, as the SDK may send fields newer than this spec (`name`, `ip_address`, …).
export const CreateUserBody = Type.Object({
  email: Type.String({ pattern: EMAIL_PATTERN, description: 'The email address of the user.' }),
  first_name: Type.Optional(Nullable(Name())),
  last_name: Type.Optional(Nullable(Name())),
  email_verified: Type.Optional(Nullable(Type.Boolean())),
  metadata: Type.Optional(MetadataInput('user')),
  external_id: Type.Optional(ExternalId),
  ...passwordFields,
});
export type CreateUserBody = Static<typeof CreateUserBody>;

// spec: update's names are plain strings (not nullable), locale is nullable; email is checked by the
// service so that a malformed one answers the spec's 400 invalid_email.
export const UpdateUserBody = Type.Object({
  email: Type.Optional(Type.String()),
  first_name: Type.Optional(Name()),
  last_name: Type.Optional(Name()),
  email_verified: Type.Optional(Type.Boolean()),
  metadata: Type.Optional(MetadataPatch('user')),
  external_id: Type.Optional(ExternalId),
  locale: Type.Optional(Nullable(Type.String())),
  ...passwordFields,
});
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const ListUsersQuery = Type.Composite([
  ListQuery,
  Type.Object({
    organization_id: Type.Optional(Type.String({ description: 'Filter users by the organization they are a member of.' })),
    organization: Type.Optional(Type.String({ description: 'Deprecated in favor of `organization_id`.', deprecated: true })),
    email: Type.Optional(Type.String({ description: 'Filter users by their email address.' })),
  }),
]);
export type ListUsersQuery = Static<typeof ListUsersQuery>;

const IdParams = Type.Object({ id: Type.String({ description: 'The unique ID of the user.' }) });
const tags = ['user-management.users'];

// One route schema per spec operationId.
export const listUsers = {
  operationId: 'UserlandUsersController_list',
  tags,
  querystring: ListUsersQuery,
  response: { 200: ListOf(Type.Ref('User')), 422: ErrorBody },
};
export const createUser = {
  operationId: 'UserlandUsersController_create',
  tags,
  body: CreateUserBody,
  response: { 201: Type.Ref('User'), 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const getUser = {
  operationId: 'UserlandUsersController_get',
  tags,
  params: IdParams,
  response: { 200: Type.Ref('User'), 404: ErrorBody },
};
export const getUserByExternalId = {
  operationId: 'UserlandUsersController_getByExternalId',
  tags,
  params: Type.Object({ external_id: Type.String({ description: 'The external ID of the user.' }) }),
  response: { 200: Type.Ref('User'), 404: ErrorBody },
};
export const updateUser = {
  operationId: 'UserlandUsersController_update',
  tags,
  params: IdParams,
  body: UpdateUserBody,
  response: { 200: Type.Ref('User'), 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const deleteUser = {
  operationId: 'UserlandUsersController_delete',
  tags,
  params: IdParams,
  response: { 200: Type.Null({ description: 'OK' }), 404: ErrorBody },
};
