import type { Static } from '@sinclair/typebox';
import type { SnapshotRecord } from '../../db/snapshots.js';
import type { FlagstandEnvironment, FlagstandSnapshot } from './schemas.js';
import type { EnvironmentView } from './service.js';
import { clientIdOf } from '../authenticate/client-id.js';

export function serializeEnvironment(env: EnvironmentView): Static<typeof FlagstandEnvironment> {
  return {
    object: 'environment',
    id: env.id,
    name: env.name,
    launchdarkly_key: env.launchdarkly_key,
    api_key: env.api_keys[0] ?? null,
    api_keys: env.api_keys,
    client_id: clientIdOf(env.id),
    app_homepage_url: env.app_homepage_url,
    created_at: env.created_at,
  };
}

export function serializeSnapshot(snapshot: SnapshotRecord): Static<typeof FlagstandSnapshot> {
  return { object: 'snapshot', id: snapshot.id, environment_id: snapshot.environment_id, created_at: snapshot.created_at };
}
