import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components EmailVerification, VerifyEmailAddressDto,
// VerifyEmailResponse and SendVerificationEmailResponse (@workos/openapi-spec 0.1.0).

export const EmailVerification = Type.Object(
  {
    object: Type.Literal('email_verification'),
    id: Type.String(),
    user_id: Type.String(),
    email: Type.String(),
    expires_at: Timestamp,
    created_at: Timestamp,
    updated_at: Timestamp,
    code: Type.String(),
  },
  { $id: 'EmailVerification' },
);
export type EmailVerificationWire = Static<typeof EmailVerification>;

export const VerifyEmailBody = Type.Object({ code: Type.String({ description: 'The one-time email verification code.' }) });

const UserResponse = Type.Object({ user: Type.Ref('User') });
const UserIdParams = Type.Object({ id: Type.String({ description: 'The unique ID of the user.' }) });
const tags = ['user-management.users'];

export const getEmailVerification = {
  operationId: 'UserlandUsersController_getEmailVerification',
  tags,
  params: Type.Object({ id: Type.String({ description: 'The ID of the email verification code.' }) }),
  response: { 200: Type.Ref('EmailVerification'), 404: ErrorBody },
};
export const sendVerificationEmail = {
  operationId: 'UserlandUsersController_sendVerificationEmail',
  tags,
  params: UserIdParams,
  response: { 200: UserResponse, 400: ErrorBody, 404: ErrorBody },
};
export const verifyEmail = {
  operationId: 'UserlandUsersController_emailVerification',
  tags,
  params: UserIdParams,
  body: VerifyEmailBody,
  response: { 200: UserResponse, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};

// Admin: the code a send produced, since no email leaves flagstand.
export const getLatestEmailVerification = {
  operationId: 'FlagstandAdmin_getLatestEmailVerification',
  tags: ['flagstand'],
  summary: "The user's newest email verification code (no email is sent, so tests read it here).",
  params: UserIdParams,
  response: { 200: Type.Ref('EmailVerification'), 404: ErrorBody },
};
