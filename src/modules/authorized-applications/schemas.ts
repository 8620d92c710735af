import { Type } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListMetadata } from '../../http/schemas.js';

// TypeBox mirror of the spec component AuthorizedConnectApplicationList. The nested
// ConnectApplication varies by type (oauth first- or third-party, m2m), so it is stored and served
// as the wire object the seed built (see seed/user-management.ts), typed loosely here.

export const AuthorizedConnectApplication = Type.Object({
  object: Type.Literal('authorized_connect_application'),
  id: Type.String(),
  granted_scopes: Type.Array(Type.String()),
  oauth_resource: Type.Optional(Type.String()),
  application: Type.Object({}, { additionalProperties: true, description: 'The ConnectApplication.' }),
});

const UserParams = Type.Object({ user_id: Type.String({ description: 'The unique ID of the user.' }) });
const tags = ['user-management.users.authorized-applications'];

export const listAuthorizedApplications = {
  operationId: 'AuthorizedApplicationsController_list',
  tags,
  params: UserParams,
  querystring: ListQuery,
  response: {
    200: Type.Object({ object: Type.Literal('list'), data: Type.Array(AuthorizedConnectApplication), list_metadata: ListMetadata }),
    404: ErrorBody,
    422: ErrorBody,
  },
};
export const deleteAuthorizedApplication = {
  operationId: 'AuthorizedApplicationsController_delete',
  tags,
  params: Type.Object({
    user_id: Type.String({ description: 'The unique ID of the user.' }),
    application_id: Type.String({ description: 'The ID or client ID of the application.' }),
  }),
  response: { 204: Type.Null(), 404: ErrorBody },
};
