import { Type, type Static } from '@sinclair/typebox';
import { ErrorBody, StringEnum } from '../../http/schemas.js';

// The authenticate operation (UserlandSessionsController_authenticate): its body is a oneOf by
// grant_type in the spec; here one object of every field, each grant's required fields checked by
// the service, so a missing one is the spec's 422 rather than a oneOf mismatch.

export const GRANT_TYPES = [
  'authorization_code',
  'password',
  'refresh_token',
  'urn:workos:oauth:grant-type:magic-auth:code',
  'urn:workos:oauth:grant-type:email-verification:code',
  'urn:workos:oauth:grant-type:mfa-totp',
  'urn:workos:oauth:grant-type:organization-selection',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;

export const AUTHENTICATION_METHODS = [
  'SSO', 'Password', 'Passkey', 'AppleOAuth', 'BitbucketOAuth', 'CrossAppAuth', 'DiscordOAuth', 'ExternalAuth', 'GitHubOAuth',
  'GitLabOAuth', 'GoogleOAuth', 'IntuitOAuth', 'LinkedInOAuth', 'MicrosoftOAuth', 'SalesforceOAuth', 'SlackOAuth',
  'VercelMarketplaceOAuth', 'VercelOAuth', 'XeroOAuth', 'MagicAuth', 'Impersonation', 'MigratedSession',
] as const;
export type AuthenticationMethod = (typeof AUTHENTICATION_METHODS)[number];

const S = (description: string) => Type.Optional(Type.String({ description }));

export const AuthenticateBody = Type.Object({
  client_id: Type.String({ description: "The environment's client id (`client_…`, in the admin environment object)." }),
  client_secret: S('A secret key of the environment (the SDK sends its API key).'),
  grant_type: StringEnum(GRANT_TYPES),
  code: S('authorization_code: a code minted with POST /_flagstand/user_management/authorization_codes.'),
  code_verifier: S('Accepted; PKCE is not checked.'),
  email: S('password: the user’s email.'),
  password: S('password: the user’s password.'),
  refresh_token: S('refresh_token: a refresh token from an earlier answer.'),
  organization_id: S('refresh_token: switch the session to this organization.'),
  invitation_token: S('Accepted and ignored.'),
  pending_authentication_token: S('Never issued here.'),
  authentication_challenge_id: S('Never issued here.'),
  device_code: S('Never issued here.'),
  ip_address: S('Recorded on the session.'),
  user_agent: S('Recorded on the session.'),
  device_id: S('Accepted and ignored.'),
});
export type AuthenticateBody = Static<typeof AuthenticateBody>;

// 400s are either WorkOS `{ code, message }` or OAuth `{ error, error_description }`.
const OAuthOrApiError = Type.Object({}, { additionalProperties: true });

export const authenticate = {
  operationId: 'UserlandSessionsController_authenticate',
  tags: ['user-management.authentication'],
  body: AuthenticateBody,
  response: {
    200: Type.Object({
      user: Type.Ref('User'),
      organization_id: Type.Optional(Type.String()),
      access_token: Type.String(),
      refresh_token: Type.String(),
      authentication_method: Type.Optional(StringEnum(AUTHENTICATION_METHODS)),
    }),
    400: OAuthOrApiError,
    403: ErrorBody,
    404: ErrorBody,
    422: ErrorBody,
  },
};

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      alg: Type.Literal('RS256'),
      kty: Type.Literal('RSA'),
      use: Type.Literal('sig'),
      x5c: Type.Array(Type.String()),
      n: Type.String(),
      e: Type.String(),
      kid: Type.String(),
      'x5t#S256': Type.String(),
    }),
  ),
});

export const jsonWebKeySet = {
  operationId: 'SsoController_jsonWebKeySet',
  tags: ['user-management.session-tokens'],
  params: Type.Object({ clientId: Type.String({ description: "The environment's client id." }) }),
  response: { 200: Jwks, 404: ErrorBody },
};

export const createAuthorizationCode = {
  operationId: 'FlagstandAdmin_createAuthorizationCode',
  tags: ['flagstand'],
  summary: 'Mints a one-time authorization code for a user (and organization), as a hosted sign-in would.',
  body: Type.Object({
    user_id: Type.String(),
    organization_id: Type.Optional(Type.String({ description: 'An organization where the user has an active membership.' })),
    authentication_method: Type.Optional(StringEnum(AUTHENTICATION_METHODS, { default: 'Password' })),
  }),
  response: {
    201: Type.Object({ object: Type.Literal('authorization_code'), code: Type.String(), user_id: Type.String(), organization_id: Type.Union([Type.String(), Type.Null()]), expires_at: Type.String() }),
    404: ErrorBody,
    422: ErrorBody,
  },
};
