import { Type } from '@sinclair/typebox';

const FlagTarget = Type.Object({ id: Type.String(), enabled: Type.Boolean() });

/** One entry of the runtime client's poll (workos-node FlagPollEntry). */
export const FlagPollEntry = Type.Object({
  slug: Type.String(),
  enabled: Type.Boolean(),
  default_value: Type.Boolean(),
  targets: Type.Object({ users: Type.Array(FlagTarget), organizations: Type.Array(FlagTarget) }),
});

export const getRuntimeFlags = {
  operationId: 'FlagstandSdk_featureFlags',
  tags: ['sdk'],
  description:
    'The endpoint workos-node `featureFlags.createRuntimeClient()` polls: every flag of the environment by slug, with its targets.',
  response: { 200: Type.Record(Type.String(), FlagPollEntry) },
};
