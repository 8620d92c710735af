import { Type } from '@sinclair/typebox';
import { StringEnum } from '../../http/schemas.js';

const FlagTarget = Type.Object({ id: Type.String(), enabled: Type.Boolean() });

/** One entry of the v1 poll (workos-node ≤ 11 FlagPollEntry). */
export const FlagPollEntry = Type.Object({
  slug: Type.String(),
  enabled: Type.Boolean(),
  default_value: Type.Boolean(),
  targets: Type.Object({ users: Type.Array(FlagTarget), organizations: Type.Array(FlagTarget) }),
});

/** A condition of a v2 rule (workos-node 12 `parseFlagPollResponse`): the rule's members of one type. */
export const FlagPollCondition = Type.Object({
  target_type: Type.String(),
  operator: Type.Literal('one_of'),
  values: Type.Array(Type.String()),
});

export const FlagPollRule = Type.Object({
  id: Type.String(),
  kind: Type.Literal('conditions'),
  value: Type.Boolean(),
  conditions: Type.Array(FlagPollCondition),
});

/** One entry of the v2 poll (workos-node 12): state, then rules in evaluation order. */
export const FlagPollEntryV2 = Type.Object({
  slug: Type.String(),
  enabled: Type.Boolean(),
  default_value: Type.Boolean(),
  off_value: Type.Boolean(),
  rules: Type.Array(FlagPollRule),
});

export const FlagPollV2 = Type.Object({ version: Type.Literal(2), flags: Type.Record(Type.String(), FlagPollEntryV2) });

export const getRuntimeFlags = {
  operationId: 'FlagstandSdk_featureFlags',
  tags: ['sdk'],
  description:
    'The endpoint workos-node `featureFlags.createRuntimeClient()` polls: every flag of the environment by slug. ' +
    '`payload_version=2` (workos-node 12) answers `{version: 2, flags}` with each flag\'s rules; without it, or `1` ' +
    '(workos-node ≤ 11), the map of flags with their user and organization targets.',
  querystring: Type.Object({
    payload_version: Type.Optional(StringEnum(['1', '2'] as const, { description: 'The payload shape: 1 (default) or 2.' })),
  }),
  response: { 200: Type.Union([Type.Record(Type.String(), FlagPollEntry), FlagPollV2]) },
};
