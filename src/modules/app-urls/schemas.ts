import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components RedirectUri, CorsOriginResponse and their create DTOs
// (@workos/openapi-spec 0.1.0).

export const RedirectUri = Type.Object(
  {
    object: Type.Literal('redirect_uri'),
    id: Type.String(),
    uri: Type.String(),
    default: Type.Boolean({ description: 'Whether this is the default redirect URI (the environment’s first).' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'RedirectUri' },
);
export type RedirectUri = Static<typeof RedirectUri>;

export const CorsOrigin = Type.Object(
  {
    object: Type.Literal('cors_origin'),
    id: Type.String(),
    origin: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'CorsOriginResponse' },
);
export type CorsOrigin = Static<typeof CorsOrigin>;

export const CreateRedirectUriBody = Type.Object({
  uri: Type.String({ minLength: 1, description: 'The redirect URI to create: an absolute URL.' }),
});
export type CreateRedirectUriBody = Static<typeof CreateRedirectUriBody>;

export const CreateCorsOriginBody = Type.Object({
  origin: Type.String({ minLength: 1, description: 'The origin URL to allow for CORS requests: scheme, host and optional port.' }),
});
export type CreateCorsOriginBody = Static<typeof CreateCorsOriginBody>;

export const SetHomepageUrlBody = Type.Object({
  url: Type.String({ minLength: 1, description: 'The app homepage URL: an absolute http or https URL.' }),
});
export type SetHomepageUrlBody = Static<typeof SetHomepageUrlBody>;

export const createRedirectUri = {
  operationId: 'RedirectUrisController_create',
  tags: ['user-management.redirect-uris'],
  body: CreateRedirectUriBody,
  response: { 201: Type.Ref('RedirectUri'), 400: ErrorBody, 422: ErrorBody },
};
export const createCorsOrigin = {
  operationId: 'CorsOriginsController_createCorsOrigin',
  tags: ['user-management.cors-origins'],
  body: CreateCorsOriginBody,
  response: { 201: Type.Ref('CorsOriginResponse'), 409: ErrorBody, 422: ErrorBody },
};
// In no released spec: the verb, path and body the WorkOS CLI (npm `workos` 0.14.0) sends. It reads
// only the status; the body answered is flagstand's (the URL kept).
export const setHomepageUrl = {
  operationId: 'WorkosCli_setAppHomepageUrl',
  tags: ['user-management.app-homepage-url'],
  body: SetHomepageUrlBody,
  response: { 200: Type.Object({ url: Type.String() }), 422: ErrorBody },
};
