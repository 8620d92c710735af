import { Type, type Static } from '@sinclair/typebox';

// TypeBox mirrors of the LaunchDarkly REST API's models (launchdarkly-api-typescript 17.x, `api.ts`),
// field names as LaunchDarkly writes them (camelCase, leading underscores). One route schema per
// client method, named after it.

/** spec: every LaunchDarkly error is `{code, message}`. */
export const LaunchDarklyError = Type.Object({ code: Type.String(), message: Type.String() });

const Link = Type.Object({ href: Type.String(), type: Type.String() });
const Links = Type.Record(Type.String(), Link);

export const UserFlagSetting = Type.Object({
  _links: Links,
  _value: Type.Boolean({ description: 'The value the user gets, from the same evaluation as the WorkOS flag lists.' }),
  setting: Type.Union([Type.Boolean(), Type.Null()], { description: "The user's explicit target (true/false), or null." }),
});

export const UserFlagSettings = Type.Object({
  items: Type.Record(Type.String(), UserFlagSetting),
  _links: Links,
});

const ResourceId = Type.Object({
  kind: Type.String(),
  projectKey: Type.String(),
  environmentKey: Type.String(),
  flagKey: Type.String(),
  key: Type.String(),
});

export const ExpiringUserTargetItem = Type.Object({
  _id: Type.String(),
  _version: Type.Integer(),
  expirationDate: Type.Integer({ description: 'Unix milliseconds.' }),
  userKey: Type.String(),
  variationId: Type.String(),
  _resourceId: ResourceId,
});

export const ExpiringUserTargetGetResponse = Type.Object({
  items: Type.Array(ExpiringUserTargetItem),
  _links: Links,
});

const ExpiringTargetError = Type.Object({ instructionIndex: Type.Integer(), message: Type.String() });

export const ExpiringUserTargetPatchResponse = Type.Object({
  items: Type.Array(ExpiringUserTargetItem),
  _links: Links,
  totalInstructions: Type.Integer(),
  successfulInstructions: Type.Integer(),
  failedInstructions: Type.Integer(),
  errors: Type.Array(ExpiringTargetError),
});

const Variation = Type.Object({ _id: Type.String(), value: Type.Boolean(), name: Type.String() });

/** The fields of LaunchDarkly's FeatureFlag that it marks required, for a boolean flag. */
export const LaunchDarklyFlag = Type.Object({
  name: Type.String(),
  kind: Type.Literal('boolean'),
  description: Type.String(),
  key: Type.String(),
  _version: Type.Integer(),
  creationDate: Type.Integer(),
  variations: Type.Array(Variation),
  temporary: Type.Boolean(),
  tags: Type.Array(Type.String()),
  _links: Links,
  experiments: Type.Object({ baselineIdx: Type.Integer(), items: Type.Array(Type.Object({}), { maxItems: 0 }) }),
  customProperties: Type.Object({}),
  archived: Type.Boolean(),
  deprecated: Type.Boolean(),
  defaults: Type.Object({ onVariation: Type.Integer(), offVariation: Type.Integer() }),
});

/** spec: ValuePut `{setting?, comment?}`; a boolean flag's setting is true, false, or null/absent (clear). */
export const ValuePut = Type.Object({
  setting: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
  comment: Type.Optional(Type.String()),
});

/**
 * spec: PatchUsersRequest `{instructions, comment?}`. Instructions are checked one by one in the
 * service (a bad one fails alone, as LaunchDarkly reports it in `errors`), so here they are only
 * objects.
 */
export const PatchUsersRequest = Type.Object({
  instructions: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1 }),
  comment: Type.Optional(Type.String()),
});

const key = (description: string) => Type.String({ description });
const UserParams = Type.Object({
  projectKey: key('The project key: `default`.'),
  environmentKey: key("The environment's name or LaunchDarkly key."),
  userKey: key("A user's id, external id or email."),
});
const UserFlagParams = Type.Object({ ...UserParams.properties, featureFlagKey: key("The flag's slug.") });
const ExpiringParams = Type.Object({
  projectKey: key('The project key: `default`.'),
  userKey: key("A user's id, external id or email."),
  environmentKey: key("The environment's name or LaunchDarkly key."),
});

const tags = ['launchdarkly'];
const security = [{ launchdarkly: [] }];
const errors = { '4xx': LaunchDarklyError };

export const getUserFlagSettings = {
  operationId: 'LaunchDarkly_getUserFlagSettings',
  tags,
  security,
  params: UserParams,
  response: { 200: UserFlagSettings, ...errors },
};
export const getUserFlagSetting = {
  operationId: 'LaunchDarkly_getUserFlagSetting',
  tags,
  security,
  params: UserFlagParams,
  response: { 200: UserFlagSetting, ...errors },
};
export const putFlagSetting = {
  operationId: 'LaunchDarkly_putFlagSetting',
  tags,
  security,
  params: UserFlagParams,
  body: ValuePut,
  response: { 204: Type.Null(), ...errors },
};
export const getExpiringFlagsForUser = {
  operationId: 'LaunchDarkly_getExpiringFlagsForUser',
  tags,
  security,
  params: ExpiringParams,
  response: { 200: ExpiringUserTargetGetResponse, ...errors },
};
export const patchExpiringFlagsForUser = {
  operationId: 'LaunchDarkly_patchExpiringFlagsForUser',
  tags,
  security,
  description: 'A semantic patch: `Content-Type: application/json; domain-model=launchdarkly.semanticpatch`.',
  params: ExpiringParams,
  body: PatchUsersRequest,
  response: { 200: ExpiringUserTargetPatchResponse, ...errors },
};
export const getFeatureFlag = {
  operationId: 'LaunchDarkly_getFeatureFlag',
  tags,
  security,
  params: Type.Object({ projectKey: key('The project key: `default`.'), featureFlagKey: key("The flag's slug.") }),
  querystring: Type.Object({ env: Type.Optional(key("The environment's name or LaunchDarkly key: must be the caller's.")) }),
  response: { 200: LaunchDarklyFlag, ...errors },
};

export type UserFlagSettingBody = Static<typeof UserFlagSetting>;
export type ExpiringUserTargetItemBody = Static<typeof ExpiringUserTargetItem>;
export type LaunchDarklyFlagBody = Static<typeof LaunchDarklyFlag>;
