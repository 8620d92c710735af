import { afterEach, describe, expect, it } from 'vitest';
import { createFlagTargetReader } from '../../src/modules/events/flag-targets.js';
import { PART_MIN_CHARS } from '../../src/modules/events/parts.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// A flag with many targets lists them twice in every flag.rule_updated (before and after). Such
// lists are stored once as parts and named from the bodies; every reader (GET /events, a
// delivery) gets the body as if it held them, and a write and its undo store nothing new.

const KEY = 'sk_test_parts';
const users = Array.from({ length: 80 }, (_, i) => pinnedId('user', i + 1));
const extra = pinnedId('user', 500);

let open: Flagstand | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await open?.app.close();
  await receiver?.close();
  open = undefined;
  receiver = undefined;
});

describe('large parts of event bodies', () => {
  it('are stored once, read back in place, delivered in place, and survive a reset', async () => {
    receiver = await startReceiver();
    open = await createFlagstand({
      logLevel: 'silent',
      seed: {
        api_keys: [KEY],
        users: [...users, extra].map((id, i) => ({ id, email: `someone.with.a.long.address.${i}@example.com` })),
        feature_flags: [{ slug: 'wide', enabled: true, targets: users }],
      },
    });
    const f = open;
    const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, body?: object) =>
      f.app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` }, ...(body && { payload: body }) });
    expect((await call('POST', '/webhook_endpoints', { endpoint_url: receiver.url, events: ['flag.rule_updated'] })).statusCode).toBe(201);
    const environmentId = f.db.prepare<[], string>('SELECT environment_id FROM feature_flags LIMIT 1').pluck().get()!;
    const flagId = f.db.prepare<[], string>("SELECT id FROM feature_flags WHERE slug = 'wide'").pluck().get()!;
    const fresh = () => createFlagTargetReader(f.db).configuredTargets(environmentId, flagId);
    const parts = () => f.db.prepare<[], number>('SELECT count(*) FROM event_parts').pluck().get()!;
    expect(JSON.stringify(fresh()).length).toBeGreaterThan(PART_MIN_CHARS);

    const lists = [fresh()];
    for (const method of ['POST', 'DELETE', 'POST', 'DELETE'] as const) {
      expect((await call(method, `/feature-flags/wide/targets/${extra}`)).statusCode).toBe(204);
      lists.push(fresh());
    }
    // The seeded list and the one with `extra`: each stored once, whatever the number of writes.
    expect(parts()).toBe(2);
    const events = (await call('GET', '/events?events=flag.rule_updated&order=asc')).json().data;
    expect(events).toHaveLength(4);
    events.forEach((event: { context: { configured_targets: unknown; previous_attributes: { context: { configured_targets: unknown } } } }, i: number) => {
      expect(event.context.previous_attributes.context.configured_targets).toEqual(lists[i]);
      expect(event.context.configured_targets).toEqual(lists[i + 1]);
    });
    // The stored bodies name the parts; each is small.
    const stored = f.db.prepare<[], string>("SELECT body FROM events WHERE event = 'flag.rule_updated'").pluck().all();
    for (const body of stored) expect(body.length).toBeLessThan(PART_MIN_CHARS);
    // Deliveries carry the whole body, as GET /events shows it.
    const received = await receiver.waitFor(4);
    const byId = new Map(events.map((e: { id: string }) => [e.id, e]));
    for (const r of received) {
      const sent = JSON.parse(r.body);
      expect(sent).toEqual(byId.get(sent.id));
    }

    // A reset removes the events and their parts; the next write stores its lists again.
    expect((await call('POST', '/_flagstand/environments/current/reset')).statusCode).toBe(200);
    expect(parts()).toBe(0);
    expect((await call('POST', `/feature-flags/wide/targets/${extra}`)).statusCode).toBe(204);
    expect(parts()).toBe(2);
    const [latest] = (await call('GET', '/events?events=flag.rule_updated&limit=1')).json().data;
    expect(latest.context.configured_targets).toEqual(fresh());
    expect(latest.context.previous_attributes.context.configured_targets).toEqual(lists[0]);
  });
});
