import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Nullable, StringEnum } from '../../http/schemas.js';

// TypeBox mirror of the spec component ConnectedAccount (@workos/openapi-spec 0.1.0).

export const CONNECTED_ACCOUNT_STATES = ['connected', 'needs_reauthorization', 'disconnected'] as const;

export const connectedAccountProperties = {
  object: Type.Literal('connected_account'),
  id: Type.String(),
  user_id: Nullable(Type.String()),
  organization_id: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  state: StringEnum(CONNECTED_ACCOUNT_STATES),
  created_at: Type.String(),
  updated_at: Type.String(),
};

export const ConnectedAccount = Type.Object(connectedAccountProperties, { $id: 'ConnectedAccount' });
export type ConnectedAccountWire = Static<typeof ConnectedAccount>;

const Params = Type.Object({
  user_id: Type.String({ description: 'The unique ID of the user.' }),
  slug: Type.String({ description: 'The slug of the data provider.' }),
});
const Query = Type.Object({ organization_id: Type.Optional(Type.String({ description: 'The organization the account is scoped to.' })) });
const tags = ['user-management.data-providers'];

export const getConnectedAccount = {
  operationId: 'DataIntegrationsUserManagementController_getUserDataInstallation',
  tags,
  params: Params,
  querystring: Query,
  response: { 200: Type.Ref('ConnectedAccount'), 404: ErrorBody },
};
export const deleteConnectedAccount = {
  operationId: 'DataIntegrationsUserManagementController_deleteUserDataInstallation',
  tags,
  params: Params,
  querystring: Query,
  response: { 204: Type.Null(), 404: ErrorBody },
};
