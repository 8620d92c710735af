import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { createEnvironmentClock } from '../../src/modules/clock/service.js';
import { createOutbox, eventJson, type EventObject, type Outbox } from '../../src/modules/events/outbox.js';
import { createStores, type Stores } from '../../src/stores.js';

let db: Db;
let stores: Stores;
let outbox: Outbox;
const ENV = 'env1';

beforeEach(() => {
  db = openDatabase(':memory:');
  migrate(db);
  stores = createStores(db);
  stores.environments.insert({ id: ENV, public_id: 'environment_01HZX5QW0000000000000000E1', name: 'e', created_at: '2026-01-01T00:00:00.000Z' });
  outbox = createOutbox(db, stores.events, stores.environments, createEnvironmentClock(db, fixedClock('2026-01-15T12:00:00.000Z')));
});
afterEach(() => db.close());

const count = () => (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;

describe('the events outbox', () => {
  it('commits an event with its transaction', () => {
    const event = db.transaction(() => outbox.record(ENV, 'organization.created', { object: 'organization', id: 'org_1' }))();
    expect(count()).toBe(1);
    const row = stores.events.byId(ENV, event.id)!;
    expect(JSON.parse(row.body)).toEqual({
      object: 'event',
      id: event.id,
      event: 'organization.created',
      data: { object: 'organization', id: 'org_1' },
      created_at: '2026-01-15T12:00:00.000Z',
      context: {},
    });
    expect(row.organization_id).toBe('org_1');
  });

  it('keeps no event of a transaction that rolls back, nor of its hooks', () => {
    const seen: string[] = [];
    outbox.onRecord((_env, row) => seen.push(row.id));
    const write = db.transaction(() => {
      outbox.record(ENV, 'organization.created', { object: 'organization', id: 'org_1' });
      throw new Error('the write fails after recording');
    });
    expect(write).toThrow('the write fails');
    expect(count()).toBe(0);
    expect(seen).toHaveLength(1); // the hook ran inside the transaction that rolled back
  });

  it('refuses to record outside a transaction, where the event could outlive a failed write', () => {
    expect(() => outbox.record(ENV, 'user.created', {})).toThrow(/inside the transaction/);
    expect(count()).toBe(0);
  });

  it('names the environment as one client: client_ with the public id ULID', () => {
    expect(outbox.actorContext(ENV, 'api')).toEqual({
      client_id: 'client_01HZX5QW0000000000000000E1',
      actor: { id: 'client_01HZX5QW0000000000000000E1', source: 'api', name: null },
    });
    expect(outbox.publicEnvironmentId(ENV)).toBe('environment_01HZX5QW0000000000000000E1');
  });

  it('builds the body from given data and context JSON exactly as JSON.stringify builds the whole event', () => {
    // Any text (quotes, escapes, U+2028, lone surrogates) and any JSON values in data and context.
    const text = fc.string({ unit: 'binary' });
    const event = fc.record({
      object: fc.constant('event' as const),
      id: text,
      event: text,
      data: fc.dictionary(text, fc.jsonValue()),
      created_at: text,
      context: fc.dictionary(text, fc.jsonValue()),
    });
    fc.assert(fc.property(event, (e: EventObject) => eventJson(e, JSON.stringify(e.data), JSON.stringify(e.context)) === JSON.stringify(e)), { numRuns: 500 });
  });

  it('stores the body given data or context JSON makes, and returns the event with its data and context', () => {
    const data = { object: 'feature_flag', id: 'flag_1', name: 'a\u2028"b' };
    const context = { client_id: 'client_1', configured_targets: { organizations: [], users: [{ id: 'user_1', email: 'a"b@x' }] } };
    for (const options of [{ contextJson: JSON.stringify(context) }, { dataJson: JSON.stringify(data) }, { dataJson: JSON.stringify(data), contextJson: JSON.stringify(context) }]) {
      const event = db.transaction(() => outbox.record(ENV, 'flag.rule_updated', data, context, options))();
      expect(event.data).toBe(data);
      expect(event.context).toBe(context);
      expect(stores.events.byId(ENV, event.id)!.body).toBe(JSON.stringify(event));
    }
  });
});
