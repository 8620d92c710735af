import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, Timestamp } from '../../http/schemas.js';

// TypeBox mirrors of the spec components EmailChange, SendEmailChangeDto and ConfirmEmailChangeDto,
// and the confirm operation's inline response (@workos/openapi-spec 0.1.0).

export const EmailChange = Type.Object({
  object: Type.Literal('email_change'),
  user: Type.Ref('User'),
  new_email: Type.String(),
  expires_at: Timestamp,
  created_at: Timestamp,
});
export type EmailChangeWire = Static<typeof EmailChange>;

export const EmailChangeConfirmation = Type.Object({
  object: Type.Literal('email_change_confirmation'),
  user: Type.Ref('User'),
});

// new_email is checked by the service, so a malformed one answers the spec's 422 invalid_email.
export const SendEmailChangeBody = Type.Object({ new_email: Type.String({ description: 'The new email address to change to.' }) });
export const ConfirmEmailChangeBody = Type.Object({ code: Type.String({ description: 'The one-time code used to confirm the email change.' }) });

const UserIdParams = Type.Object({ id: Type.String({ description: 'The unique ID of the user.' }) });
const tags = ['user-management.users'];

export const sendEmailChange = {
  operationId: 'UserlandUsersController_sendEmailChange',
  tags,
  params: UserIdParams,
  body: SendEmailChangeBody,
  response: { 200: EmailChange, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};
export const confirmEmailChange = {
  operationId: 'UserlandUsersController_confirmEmailChange',
  tags,
  params: UserIdParams,
  body: ConfirmEmailChangeBody,
  response: { 200: EmailChangeConfirmation, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody },
};

// Admin: the code a send produced, since no email leaves flagstand.
export const getPendingEmailChange = {
  operationId: 'FlagstandAdmin_getPendingEmailChange',
  tags: ['flagstand'],
  summary: "The user's email change in flight, with its code (no email is sent, so tests read it here).",
  params: UserIdParams,
  response: {
    200: Type.Object({
      object: Type.Literal('email_change'),
      user_id: Type.String(),
      new_email: Type.String(),
      code: Type.String(),
      expires_at: Timestamp,
      created_at: Timestamp,
    }),
    404: ErrorBody,
  },
};
