import type { Db } from '../../db/open.js';
import { newId } from '../../ids.js';
import type { EnvironmentTime } from '../clock/service.js';
import type { EnvironmentStore } from '../environments/store.js';
import type { EventRow, EventStore } from './store.js';

/** Who made a change, as flag events' `context.actor.source` says it (spec: EventContextActorDto). */
export type ActorSource = 'api' | 'dashboard' | 'admin_portal' | 'system';

/** An event as GET /events and webhook deliveries show it. */
export interface EventObject {
  object: 'event';
  id: string;
  event: string;
  data: object;
  created_at: string;
  context: object;
}

/** Runs inside the recording transaction, for work that must commit with the event (deliveries). */
export type RecordHook = (environmentId: string, event: EventRow) => void;

export interface Outbox {
  /**
   * Records an event of the change the current transaction makes: it commits with the change or
   * not at all. Call it inside the write's `db.transaction` (it throws otherwise). `data` is the
   * event's payload as the spec's event schema shapes it; `context` defaults to `{}` (docs'
   * examples). The organization an event is about (the `organization_id` filter) is read from
   * `data` (`organization_id`, an organization's `id`, an organization `owner`) unless given.
   */
  record(environmentId: string, event: string, data: object, context?: object, options?: RecordOptions): EventObject;
  /** `{client_id, actor}` for a change made by `source` (flag events require both). */
  actorContext(environmentId: string, source: ActorSource): { client_id: string; actor: { id: string; source: ActorSource; name: null } };
  /** The environment's public id (`environment_…`), as flag event data carry it. */
  publicEnvironmentId(environmentId: string): string;
  /** Adds work that commits with every event recorded from now on. */
  onRecord(hook: RecordHook): void;
}

export interface RecordOptions {
  organizationId?: string | null;
  /** JSON.stringify(data), when the caller has it already (two events of one change share their data). */
  dataJson?: string;
  /** JSON.stringify(context), when the caller has it cheaper (from kept parts). */
  contextJson?: string;
}

/** JSON.stringify(event), with the JSON of its data and context given. */
export function eventJson(event: EventObject, dataJson: string, contextJson: string): string {
  return `{"object":"event","id":${JSON.stringify(event.id)},"event":${JSON.stringify(event.event)},"data":${dataJson},"created_at":${JSON.stringify(event.created_at)},"context":${contextJson}}`;
}

function organizationOf(data: Record<string, unknown>): string | null {
  if (typeof data.organization_id === 'string') return data.organization_id;
  if (data.object === 'organization' && typeof data.id === 'string') return data.id;
  const owner = data.owner as { type?: unknown; id?: unknown } | null | undefined;
  if (owner && owner.type === 'organization' && typeof owner.id === 'string') return owner.id;
  return null;
}

export function createOutbox(db: Db, store: EventStore, environments: EnvironmentStore, clock: EnvironmentTime): Outbox {
  const hooks: RecordHook[] = [];
  // Internal ids never change owner, so their public ids are kept once read.
  const publicIds = new Map<string, string>();
  const publicEnvironmentId = (environmentId: string): string => {
    let id = publicIds.get(environmentId);
    if (id === undefined) {
      id = environments.byId(environmentId)?.public_id ?? environmentId;
      publicIds.set(environmentId, id);
    }
    return id;
  };
  // An environment is one WorkOS client: its client id shares the public id's ULID.
  const clientId = (environmentId: string) => 'client_' + publicEnvironmentId(environmentId).replace(/^environment_/, '');

  return {
    record(environmentId, event, data, context = {}, options = {}) {
      if (!db.inTransaction) throw new Error(`outbox: '${event}' must be recorded inside the transaction of its change`);
      const object: EventObject = { object: 'event', id: newId('event'), event, data, created_at: clock.now(environmentId), context };
      const row: EventRow = {
        id: object.id,
        event,
        organization_id: options.organizationId !== undefined ? options.organizationId : organizationOf(data as Record<string, unknown>),
        created_at: object.created_at,
        body:
          options.dataJson === undefined && options.contextJson === undefined
            ? JSON.stringify(object)
            : eventJson(object, options.dataJson ?? JSON.stringify(data), options.contextJson ?? JSON.stringify(context)),
      };
      store.insert(environmentId, row);
      for (const hook of hooks) hook(environmentId, row);
      return object;
    },
    actorContext: (environmentId, source) => {
      const client_id = clientId(environmentId);
      // No dashboard users or API key ids here: the actor is the environment's client.
      return { client_id, actor: { id: client_id, source, name: null } };
    },
    publicEnvironmentId,
    onRecord: (hook) => void hooks.push(hook),
  };
}
