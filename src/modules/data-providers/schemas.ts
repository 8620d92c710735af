import { Type } from '@sinclair/typebox';
import { ErrorBody, Nullable, StringEnum } from '../../http/schemas.js';
import { connectedAccountProperties } from '../connected-accounts/schemas.js';

// TypeBox mirror of the spec component DataIntegrationsListResponse: each provider with the
// user's connected account, and the deprecated camelCase copies the spec still requires.

const EmbeddedAccount = Type.Object({
  ...connectedAccountProperties,
  userlandUserId: Nullable(Type.String()),
  organizationId: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const DataProvider = Type.Object({
  object: Type.Literal('data_provider'),
  id: Type.String(),
  name: Type.String(),
  description: Nullable(Type.String()),
  slug: Type.String(),
  integration_type: Type.String(),
  credentials_type: Type.String(),
  scopes: Type.Union([Type.Array(Type.String()), Type.Null()]),
  ownership: StringEnum(['userland_user', 'organization'] as const),
  created_at: Type.String(),
  updated_at: Type.String(),
  integrationType: Type.String(),
  credentialsType: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  connected_account: Type.Union([EmbeddedAccount, Type.Null()]),
});

export const listDataProviders = {
  operationId: 'DataIntegrationsUserManagementController_getUserDataIntegrations',
  tags: ['user-management.data-providers'],
  params: Type.Object({ user_id: Type.String({ description: 'The unique ID of the user.' }) }),
  querystring: Type.Object({ organization_id: Type.Optional(Type.String({ description: 'The organization whose accounts to show.' })) }),
  response: { 200: Type.Object({ object: Type.Literal('list'), data: Type.Array(DataProvider) }), 404: ErrorBody },
};
