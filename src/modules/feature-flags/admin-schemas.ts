import { Type } from '@sinclair/typebox';
import { ErrorBody, ListOf, Nullable } from '../../http/schemas.js';
import { SeedFlag } from '../../seed/schema.js';

// Flag management is dashboard-only at WorkOS, so there is no spec operation: the bodies take the
// fields of the Flag component (as the seed file does) and answer with the FeatureFlag itself.

const EDITABLE = ['name', 'description', 'owner', 'tags', 'enabled', 'default_value'] as const;

export const CreateFeatureFlagBody = Type.Pick(SeedFlag, ['slug', ...EDITABLE]);
export const UpdateFeatureFlagBody = Type.Partial(Type.Pick(SeedFlag, EDITABLE));
export const SetFlagTargetBody = Type.Object(
  {
    enabled: Type.Boolean({ description: 'true: on for this user or organization; false: explicitly off.' }),
    expires_at: Type.Optional(
      Nullable(
        Type.String({
          format: 'date-time',
          description: "A user target only: when it is removed (as the WorkOS DELETE would), on the environment's clock. null clears it; absent leaves it.",
        }),
      ),
    ),
  },
  { additionalProperties: false },
);

const SlugParams = Type.Object({ slug: Type.String() });
const TargetParams = Type.Object({
  slug: Type.String(),
  resourceId: Type.String({ description: 'A user id (user_…) or an organization id (org_…).' }),
});

const tags = ['flagstand-admin'];
// One schema for every client error: each status listed separately would cost a serializer per route at start-up.
const errors = { '4xx': ErrorBody };

export const createFeatureFlag = {
  operationId: 'FlagstandAdmin_createFeatureFlag',
  tags,
  description: "Creates a flag in the caller's environment (disabled unless `enabled` says otherwise).",
  body: CreateFeatureFlagBody,
  response: { 201: Type.Ref('FeatureFlag'), ...errors },
};
export const updateFeatureFlag = {
  operationId: 'FlagstandAdmin_updateFeatureFlag',
  tags,
  description: 'Changes the given fields; the slug cannot change.',
  params: SlugParams,
  body: UpdateFeatureFlagBody,
  response: { 200: Type.Ref('FeatureFlag'), ...errors },
};
export const deleteFeatureFlag = {
  operationId: 'FlagstandAdmin_deleteFeatureFlag',
  tags,
  params: SlugParams,
  response: { 204: Type.Null(), ...errors },
};
export const setFlagTarget = {
  operationId: 'FlagstandAdmin_setFlagTarget',
  tags,
  description: 'Sets a target explicitly on or off (the WorkOS POST can only turn one on).',
  params: TargetParams,
  body: SetFlagTargetBody,
  response: { 204: Type.Null(), ...errors },
};
export const removeFlagTarget = {
  operationId: 'FlagstandAdmin_removeFlagTarget',
  tags,
  params: TargetParams,
  response: { 204: Type.Null(), ...errors },
};

export const ReorderFlagRulesBody = Type.Object(
  { rule_ids: Type.Array(Type.String(), { description: "Every rule id of the flag, once, in the new evaluation order." }) },
  { additionalProperties: false },
);
export const reorderFlagRules = {
  operationId: 'FlagstandAdmin_reorderFlagRules',
  tags,
  description: "Puts the flag's rules in the given order (positions 0, 1, …) and answers them in that order.",
  params: SlugParams,
  body: ReorderFlagRulesBody,
  response: { 200: ListOf(Type.Ref('FlagRule')), ...errors },
};
