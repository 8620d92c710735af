import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components AuthenticationFactor, AuthenticationFactorEnrolled,
// AuthenticationChallenge, EnrollUserlandUserAuthenticationFactorDto,
// UserlandUserAuthenticationFactorEnrollResponse and UserlandUserAuthenticationFactorList.
// Only TOTP factors exist here (the user-management enroll takes no other type).

const factorProperties = {
  object: Type.Literal('authentication_factor'),
  id: Type.String(),
  type: Type.Literal('totp'),
  user_id: Type.String(),
};

export const AuthenticationFactor = Type.Object(
  {
    ...factorProperties,
    totp: Type.Object({ issuer: Type.String(), user: Type.String() }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'AuthenticationFactor' },
);
export type AuthenticationFactorWire = Static<typeof AuthenticationFactor>;

export const AuthenticationFactorEnrolled = Type.Object({
  ...factorProperties,
  totp: Type.Object({
    issuer: Type.String(),
    user: Type.String(),
    secret: Type.String({ description: 'The base32 TOTP secret, shown at creation only.' }),
    qr_code: Type.String({ description: 'A PNG data URI of the QR code of `uri`.' }),
    uri: Type.String({ description: 'The otpauth URI the QR code encodes.' }),
  }),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type AuthenticationFactorEnrolledWire = Static<typeof AuthenticationFactorEnrolled>;

export const AuthenticationChallenge = Type.Object({
  object: Type.Literal('authentication_challenge'),
  id: Type.String(),
  authentication_factor_id: Type.String(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const EnrollFactorBody = Type.Object({
  type: Type.Literal('totp', { description: 'The type of the factor to enroll.' }),
  totp_issuer: Type.Optional(Type.String({ minLength: 1, description: 'Shown in the authenticator app; defaults to `flagstand`.' })),
  totp_user: Type.Optional(Type.String({ minLength: 1, description: "Shown in the authenticator app; defaults to the user's email." })),
  totp_secret: Type.Optional(Type.String({ description: 'A base32 secret (SHA-1, 6 digits, 30 s); generated when omitted.' })),
});
export type EnrollFactorBody = Static<typeof EnrollFactorBody>;

const UserParams = Type.Object({ userlandUserId: Type.String({ description: 'The unique ID of the user.' }) });
const FactorParams = Type.Object({ id: Type.String({ description: 'The unique ID of the factor.' }) });

export const enrollUserAuthFactor = {
  operationId: 'UserlandUserAuthenticationFactorsController_create',
  tags: ['user-management.multi-factor-authentication'],
  params: UserParams,
  body: EnrollFactorBody,
  response: {
    201: Type.Object({ authentication_factor: AuthenticationFactorEnrolled, authentication_challenge: AuthenticationChallenge }),
    422: ErrorBody,
  },
};
export const listUserAuthFactors = {
  operationId: 'UserlandUserAuthenticationFactorsController_list',
  tags: ['user-management.multi-factor-authentication'],
  params: UserParams,
  querystring: ListQuery,
  response: { 200: ListOf(Type.Ref('AuthenticationFactor')), 422: ErrorBody },
};
export const getFactor = {
  operationId: 'AuthenticationFactorsController_get',
  tags: ['multi-factor-auth'],
  params: FactorParams,
  response: { 200: Type.Ref('AuthenticationFactor'), 404: ErrorBody },
};
export const deleteFactor = {
  operationId: 'AuthenticationFactorsController_delete',
  tags: ['multi-factor-auth'],
  params: FactorParams,
  response: { 204: Type.Null(), 404: ErrorBody },
};
