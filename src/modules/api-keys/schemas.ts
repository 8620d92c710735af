import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Name, Nullable, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components OrganizationApiKey, OrganizationApiKeyWithValue,
// OrganizationApiKeyList, CreateOrganizationApiKeyDto, ValidateApiKeyDto and ApiKeyValidationResponse.
// Every key flagstand issues is owned by an organization, so ApiKey's user-owner branch never occurs.

const apiKeyProperties = {
  object: Type.Literal('api_key'),
  id: Type.String(),
  owner: Type.Object({ type: Type.Literal('organization'), id: Type.String() }),
  name: Type.String(),
  obfuscated_value: Type.String(),
  last_used_at: Nullable(Type.String({ format: 'date-time' })),
  // 0.61.0 requires it (null: never expires); 0.1.0 does not know it (see the test ledger).
  expires_at: Nullable(Type.String({ format: 'date-time' })),
  permissions: Type.Array(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
};

export const OrganizationApiKey = Type.Object(apiKeyProperties, { $id: 'OrganizationApiKey' });
export type OrganizationApiKeyWire = Static<typeof OrganizationApiKey>;

export const OrganizationApiKeyWithValue = Type.Object({
  ...apiKeyProperties,
  value: Type.String({ description: 'The full API Key value. Only returned once at creation time.' }),
});
export type OrganizationApiKeyWithValueWire = Static<typeof OrganizationApiKeyWithValue>;

export const CreateOrganizationApiKeyDto = Type.Object({
  name: Name({ minLength: 1, pattern: '\\S', description: 'The name for the API key.' }),
  permissions: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'The permission slugs to assign to the API key.' })),
  expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'When the key expires, in the future (0.61.0); never when omitted.' })),
});
export type CreateOrganizationApiKeyDto = Static<typeof CreateOrganizationApiKeyDto>;

export const ValidateApiKeyDto = Type.Object({ value: Type.String({ description: 'The value for an API key.' }) });

export const ApiKeyValidationResponse = Type.Object({
  api_key: Type.Union([Type.Ref('OrganizationApiKey'), Type.Null()]),
});

const OrganizationParams = Type.Object({ organizationId: Type.String({ description: 'Unique identifier of the Organization.' }) });

// One route schema per spec operationId.
export const listOrganizationApiKeys = {
  operationId: 'OrganizationApiKeysController_list',
  tags: ['organizations.api_keys'],
  params: OrganizationParams,
  querystring: ListQuery,
  response: { 200: ListOf(Type.Ref('OrganizationApiKey')), 400: ErrorBody, 404: ErrorBody },
};
export const createOrganizationApiKey = {
  operationId: 'OrganizationApiKeysController_create',
  tags: ['organizations.api_keys'],
  params: OrganizationParams,
  body: CreateOrganizationApiKeyDto,
  response: { 201: OrganizationApiKeyWithValue, 404: ErrorBody, 422: ErrorBody },
};
export const validateApiKey = {
  operationId: 'ApiKeysController_validateApiKey',
  tags: ['api_keys'],
  body: ValidateApiKeyDto,
  response: { 200: ApiKeyValidationResponse, 422: ErrorBody },
};
export const deleteApiKey = {
  operationId: 'ApiKeysController_delete',
  tags: ['api_keys'],
  params: Type.Object({ id: Type.String({ description: 'The unique ID of the API key.' }) }),
  response: { 204: Type.Null(), 404: ErrorBody },
};
