import { Type, type Static } from '@sinclair/typebox';
import { ListQuery } from '../../http/pagination.js';
import { ErrorBody, ListOf, Nullable, Timestamp } from '../../http/schemas.js';

// The rules API as workos-node 12.3.0 calls it (no OpenAPI document covers it yet): FlagRuleResponse
// and FlagTargetResponse of its typings, field for field. Operation ids are the SDK's method names,
// prefixed `WorkosNode12_` (the OpenAPI test holds them to the verb and path the SDK sends).

/** workos-node 12 evaluator: "mirror of the API's validation rules". */
export const TARGET_TYPE_PATTERN = '^[a-z][a-z0-9_-]{0,63}$';

export const FlagRule = Type.Object(
  {
    object: Type.Literal('flag_rule'),
    id: Type.String(),
    flag_id: Type.String(),
    flag_slug: Type.String(),
    environment_id: Type.String(),
    target_type: Nullable(Type.String()),
    position: Type.Integer({ minimum: 0, description: 'Rules are evaluated in ascending position order.' }),
    value_type: Type.Literal('boolean'),
    value: Type.Boolean(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'FlagRule' },
);
export type FlagRule = Static<typeof FlagRule>;

export const FlagTarget = Type.Object(
  {
    object: Type.Literal('flag_target'),
    id: Type.String(),
    rule_id: Type.String(),
    flag_id: Type.String(),
    flag_slug: Type.String(),
    environment_id: Type.String(),
    target_type: Type.String(),
    target_id: Type.String(),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { $id: 'FlagTarget' },
);
export type FlagTarget = Static<typeof FlagTarget>;

const errors = { '4xx': ErrorBody };
const tags = ['feature-flags.rules'];
const IdParams = Type.Object({ id: Type.String() });

export const CreateFlagRuleBody = Type.Object({
  flag_slug: Type.String({ minLength: 1, description: "The feature flag's slug." }),
  target_type: Type.String({ pattern: TARGET_TYPE_PATTERN, description: 'organization, user, or a custom target type slug.' }),
  value: Type.Boolean({ description: 'What the rule serves to its targets.' }),
});

export const CreateFlagTargetBody = Type.Object({
  rule_id: Type.String({ minLength: 1, description: 'The rule supplies the flag, target type and value.' }),
  target_id: Type.String({ minLength: 1 }),
});

export const createFlagRule = {
  operationId: 'WorkosNode12_createFlagRule',
  tags,
  description: 'Appends an empty rule to a flag. A duplicate (target type, value) pair is a 409.',
  body: CreateFlagRuleBody,
  response: { 201: Type.Ref('FlagRule'), ...errors },
};
export const listFlagRules = {
  operationId: 'WorkosNode12_listFlagRules',
  tags,
  description: "A flag's rules, always in evaluation (position) order.",
  querystring: Type.Object({ flag_slug: Type.String({ minLength: 1 }), ...Type.Omit(ListQuery, ['order']).properties }),
  response: { 200: ListOf(Type.Ref('FlagRule')), ...errors },
};
export const getFlagRule = { operationId: 'WorkosNode12_getFlagRule', tags, params: IdParams, response: { 200: Type.Ref('FlagRule'), ...errors } };
export const deleteFlagRule = {
  operationId: 'WorkosNode12_deleteFlagRule',
  tags,
  description: 'Deletes a rule and all its target memberships.',
  params: IdParams,
  response: { 204: Type.Null(), ...errors },
};
export const createFlagTarget = {
  operationId: 'WorkosNode12_createFlagTarget',
  tags,
  description: 'Adds a target to a rule. A target already in a rule of the flag is a 409.',
  body: CreateFlagTargetBody,
  response: { 201: Type.Ref('FlagTarget'), ...errors },
};
export const listFlagTargets = {
  operationId: 'WorkosNode12_listFlagTargets',
  tags,
  description: 'Memberships with the filters combined, by creation time (desc unless `order=asc`).',
  querystring: Type.Object({
    rule_id: Type.Optional(Type.String()),
    flag_slug: Type.Optional(Type.String()),
    target_type: Type.Optional(Type.String()),
    target_id: Type.Optional(Type.String()),
    ...ListQuery.properties,
  }),
  response: { 200: ListOf(Type.Ref('FlagTarget')), ...errors },
};
export const getFlagTarget = { operationId: 'WorkosNode12_getFlagTarget', tags, params: IdParams, response: { 200: Type.Ref('FlagTarget'), ...errors } };
export const deleteFlagTarget = {
  operationId: 'WorkosNode12_deleteFlagTarget',
  tags,
  description: 'Deletes a membership by its flag_target id (not the targeted entity id).',
  params: IdParams,
  response: { 204: Type.Null(), ...errors },
};
