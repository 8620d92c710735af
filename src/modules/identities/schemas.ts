import { Type } from '@sinclair/typebox';
import { ErrorBody, StringEnum } from '../../http/schemas.js';
import { OAUTH_PROVIDERS } from './store.js';

// TypeBox mirror of the spec's users.identities response (an array, not a list envelope).

export const Identity = Type.Object({
  idp_id: Type.String(),
  type: Type.Literal('OAuth'),
  provider: StringEnum(OAUTH_PROVIDERS),
});

export const getUserIdentities = {
  operationId: 'UserlandUserIdentitiesController_get',
  tags: ['user-management.users'],
  params: Type.Object({ id: Type.String({ description: 'The unique ID of the user.' }) }),
  response: { 200: Type.Array(Identity), 404: ErrorBody },
};
