import { Type } from '@sinclair/typebox';
import { ErrorBody, Nullable, Timestamp } from '../../http/schemas.js';
import { LaunchDarklyKey, SeedEnvironment } from '../../seed/schema.js';

// flagstand's own admin resources: no WorkOS counterpart, so the shapes are ours (snake_case like the API).

export const FlagstandEnvironment = Type.Object(
  {
    object: Type.Literal('environment'),
    id: Type.String(),
    name: Type.String(),
    launchdarkly_key: Nullable(
      Type.String({ description: 'Another key LaunchDarkly-dialect paths may name this environment by (beside `name`).' }),
    ),
    api_key: Nullable(Type.String({ description: 'The first of `api_keys`: the key to call this environment with.' })),
    api_keys: Type.Array(Type.String()),
    client_id: Type.String({ description: 'The client id sign-in takes (POST /user_management/authenticate) and the JWKS path names.' }),
    app_homepage_url: Nullable(Type.String({ description: 'What PUT /user_management/app_homepage_url last set (the WorkOS CLI sends it).' })),
    created_at: Timestamp,
  },
  { $id: 'FlagstandEnvironment' },
);

export const FlagstandSnapshot = Type.Object(
  {
    object: Type.Literal('snapshot'),
    id: Type.String(),
    environment_id: Type.String(),
    created_at: Timestamp,
  },
  { $id: 'FlagstandSnapshot' },
);

const EnvironmentList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Ref('FlagstandEnvironment')) });
const SnapshotList = Type.Object({ object: Type.Literal('list'), data: Type.Array(Type.Ref('FlagstandSnapshot')) });

export const EnvironmentParams = Type.Object({
  environment: Type.String({ description: "An environment's id or name, or `current` for the environment of the caller's key." }),
});
const SnapshotParams = Type.Object({ ...EnvironmentParams.properties, snapshotId: Type.String({ description: 'A snapshot id, `snapshot_…`.' }) });

export const NewEnvironmentBody = Type.Object(
  {
    ...SeedEnvironment.properties,
    from_environment: Type.Optional(
      Type.String({
        minLength: 1,
        description: "Id or name of an environment whose start-up state is copied (instead of the seed lists).",
      }),
    ),
  },
  { additionalProperties: false },
);

const tags = ['flagstand-admin'];
// One schema for every client error: each status listed separately would cost a serializer per route at start-up.
const errors = { '4xx': ErrorBody };

export const resetServer = {
  operationId: 'FlagstandAdmin_resetServer',
  tags,
  description:
    'Puts the whole server back to its state right after start-up: every start-up environment to its seed, environments created since deleted.',
  response: { 200: EnvironmentList, ...errors },
};
export const listEnvironments = {
  operationId: 'FlagstandAdmin_listEnvironments',
  tags,
  response: { 200: EnvironmentList, ...errors },
};
export const createEnvironment = {
  operationId: 'FlagstandAdmin_createEnvironment',
  tags,
  description: 'Creates an isolated environment, empty, from the lists of one seed environment, or as a copy of another.',
  body: NewEnvironmentBody,
  response: { 201: Type.Ref('FlagstandEnvironment'), ...errors },
};
export const getEnvironment = {
  operationId: 'FlagstandAdmin_getEnvironment',
  tags,
  params: EnvironmentParams,
  response: { 200: Type.Ref('FlagstandEnvironment'), ...errors },
};
export const updateEnvironment = {
  operationId: 'FlagstandAdmin_updateEnvironment',
  tags,
  description: "Sets or clears (null) the environment's LaunchDarkly key.",
  params: EnvironmentParams,
  body: Type.Object({ launchdarkly_key: Type.Optional(Nullable(LaunchDarklyKey)) }, { additionalProperties: false }),
  response: { 200: Type.Ref('FlagstandEnvironment'), ...errors },
};
export const deleteEnvironment = {
  operationId: 'FlagstandAdmin_deleteEnvironment',
  tags,
  params: EnvironmentParams,
  response: { 204: Type.Null(), ...errors },
};
export const resetEnvironment = {
  operationId: 'FlagstandAdmin_resetEnvironment',
  tags,
  description: 'Puts the environment back to its state right after start-up (or its creation).',
  params: EnvironmentParams,
  response: { 200: Type.Ref('FlagstandEnvironment'), ...errors },
};
export const listSnapshots = {
  operationId: 'FlagstandAdmin_listSnapshots',
  tags,
  params: EnvironmentParams,
  response: { 200: SnapshotList, ...errors },
};
export const createSnapshot = {
  operationId: 'FlagstandAdmin_createSnapshot',
  tags,
  params: EnvironmentParams,
  response: { 201: Type.Ref('FlagstandSnapshot'), ...errors },
};
export const restoreSnapshot = {
  operationId: 'FlagstandAdmin_restoreSnapshot',
  tags,
  params: SnapshotParams,
  response: { 200: Type.Ref('FlagstandEnvironment'), ...errors },
};
export const deleteSnapshot = {
  operationId: 'FlagstandAdmin_deleteSnapshot',
  tags,
  params: SnapshotParams,
  response: { 204: Type.Null(), ...errors },
};
