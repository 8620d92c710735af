import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, StringEnum, Timestamp } from '../../http/schemas.js';
import { INVITATION_LOCALES } from './locales.js';

// TypeBox mirrors of the spec components UserlandUserInvite, CreateUserlandUserInviteOptionsDto and
// ResendUserlandUserInviteOptionsDto (@workos/openapi-spec 0.1.0).

export const INVITATION_STATES = ['pending', 'accepted', 'expired', 'revoked'] as const;

export const Invitation = Type.Object(
  {
    object: Type.Literal('invitation'),
    id: Type.String(),
    email: Type.String(),
    state: StringEnum(INVITATION_STATES),
    accepted_at: Nullable(Type.String({ format: 'date-time' })),
    revoked_at: Nullable(Type.String({ format: 'date-time' })),
    expires_at: Timestamp,
    organization_id: Nullable(Type.String()),
    inviter_user_id: Nullable(Type.String()),
    accepted_user_id: Nullable(Type.String()),
    role_slug: Nullable(Type.String()),
    created_at: Timestamp,
    updated_at: Timestamp,
    token: Type.String(),
    accept_invitation_url: Type.String(),
  },
  { $id: 'Invitation' },
);
export type InvitationWire = Static<typeof Invitation>;

const Locale = StringEnum(INVITATION_LOCALES, { description: 'The locale to use when rendering the invitation email.' });

// expires_in_days is range-checked by the service: the spec answers 400 expires_in_days_too_short/_too_long.
export const CreateInvitationBody = Type.Object({
  email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$', description: 'The email address of the recipient.' }),
  organization_id: Type.Optional(Type.String({ description: 'The ID of the organization that the recipient will join.' })),
  role_slug: Type.Optional(Type.String({ description: 'The role that the recipient will receive when they join the organization.' })),
  expires_in_days: Type.Optional(Type.Integer({ description: 'How many days the invitation is valid for, 1 to 30 (default 7).' })),
  inviter_user_id: Type.Optional(Type.String({ description: 'The ID of the user who invites the recipient.' })),
  locale: Type.Optional(Locale),
});
export type CreateInvitationBody = Static<typeof CreateInvitationBody>;

export const ResendInvitationBody = Type.Object({ locale: Type.Optional(Locale) });

export const ListInvitationsQuery = Type.Composite([
  ListQuery,
  Type.Object({
    organization_id: Type.Optional(Type.String({ description: 'Filter invitations by the organization they join.' })),
    email: Type.Optional(Type.String({ description: 'Filter invitations by the recipient email address.' })),
  }),
]);
export type ListInvitationsQuery = Static<typeof ListInvitationsQuery>;

const IdParams = Type.Object({ id: Type.String({ description: 'The unique ID of the invitation.' }) });
const tags = ['user-management.invitations'];
const InvitationRef = Type.Ref('Invitation');

// One route schema per spec operationId.
export const listInvitations = {
  operationId: 'UserlandUserInvitesController_list',
  tags,
  querystring: ListInvitationsQuery,
  response: { 200: ListOf(InvitationRef), 422: ErrorBody },
};
export const sendInvitation = {
  operationId: 'UserlandUserInvitesController_create',
  tags,
  body: CreateInvitationBody,
  response: { 201: InvitationRef, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const getInvitationByToken = {
  operationId: 'UserlandUserInvitesController_getByToken',
  tags,
  params: Type.Object({ token: Type.String({ description: 'The token used to accept the invitation.' }) }),
  response: { 200: InvitationRef, 404: ErrorBody },
};
export const getInvitation = {
  operationId: 'UserlandUserInvitesController_get',
  tags,
  params: IdParams,
  response: { 200: InvitationRef, 404: ErrorBody },
};
export const acceptInvitation = {
  operationId: 'UserlandUserInvitesController_accept',
  tags,
  params: IdParams,
  response: { 200: InvitationRef, 400: ErrorBody, 404: ErrorBody },
};
export const resendInvitation = {
  operationId: 'UserlandUserInvitesController_resend',
  tags,
  params: IdParams,
  body: ResendInvitationBody,
  response: { 200: InvitationRef, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody },
};
export const revokeInvitation = {
  operationId: 'UserlandUserInvitesController_revoke',
  tags,
  params: IdParams,
  response: { 200: InvitationRef, 400: ErrorBody },
};
