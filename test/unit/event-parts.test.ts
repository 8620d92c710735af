import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open.js';
import { createFlagTargetReader } from '../../src/modules/events/flag-targets.js';
import { chunked, flat, insertAt, removeAt, type Chunks } from '../../src/modules/events/chunked-list.js';
import { createPartReader, createPartWriter, MAX_DELTAS, PART_MIN_CHARS } from '../../src/modules/events/parts.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { positionOf } from '../helpers/chunks.js';
import { pinnedId } from '../helpers/ids.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// A flag with many targets lists them twice in every flag.rule_updated (before and after). Such
// lists are stored once as parts and named from the bodies; every reader (GET /events, a
// delivery) gets the body as if it held them, and a write and its undo store nothing new.

const KEY = 'sk_test_parts';
// Enough that a flag's list spans several chunks (chunked-list.ts).
const users = Array.from({ length: 300 }, (_, i) => pinnedId('user', i + 1));
const extra = pinnedId('user', 500);
// Added and removed one at a time, in an order that puts each at a different place in the list.
const more = Array.from({ length: 2 * MAX_DELTAS + 5 }, (_, i) => pinnedId('user', 600 + ((i * 7) % (2 * MAX_DELTAS + 5))));

let open: Flagstand | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await open?.app.close();
  await receiver?.close();
  open = undefined;
  receiver = undefined;
});

describe('large parts of event bodies', () => {
  it('are stored as splices of the last one, and whole again every so often; every event reads back as its lists were', async () => {
    open = await createFlagstand({
      logLevel: 'silent',
      seed: {
        api_keys: [KEY],
        users: [...users, ...more].map((id, i) => ({ id, email: `someone.with.a.long.address.${i}@example.com` })),
        feature_flags: [{ slug: 'wide', enabled: true, targets: users.filter((_, i) => i % 2 === 0) }],
      },
    });
    const f = open;
    const call = async (method: 'GET' | 'POST' | 'DELETE', url: string) => f.app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` } });
    const environmentId = f.db.prepare<[], string>('SELECT environment_id FROM feature_flags LIMIT 1').pluck().get()!;
    const flagId = f.db.prepare<[], string>("SELECT id FROM feature_flags WHERE slug = 'wide'").pluck().get()!;
    const fresh = () => createFlagTargetReader(f.db).configuredTargets(environmentId, flagId);
    const lists = [fresh()];
    // Adds at the start, middle and end of the list, then removes of seeded targets (a list that shrinks).
    for (const user of more) {
      expect((await call('POST', `/feature-flags/wide/targets/${user}`)).statusCode).toBe(204);
      lists.push(fresh());
    }
    for (const user of users.filter((_, i) => i % 4 === 0)) {
      expect((await call('DELETE', `/feature-flags/wide/targets/${user}`)).statusCode).toBe(204);
      lists.push(fresh());
    }
    const stored = f.db.prepare<[], string>('SELECT json FROM event_parts ORDER BY id').pluck().all();
    expect(stored).toHaveLength(lists.length);
    // Whole, then MAX_DELTAS deltas, then whole again.
    const whole = stored.flatMap((json, i) => (json.startsWith('{') ? [i] : []));
    expect(whole.slice(0, 3)).toEqual([0, MAX_DELTAS + 1, 2 * (MAX_DELTAS + 1)]);
    const events: { context: { configured_targets: unknown; previous_attributes: { context: { configured_targets: unknown } } } }[] = [];
    for (let after: string | undefined; ; ) {
      const page = (await call('GET', `/events?events=flag.rule_updated&order=asc&limit=100${after ? `&after=${after}` : ''}`)).json();
      events.push(...page.data);
      after = page.list_metadata.after;
      if (!after) break;
    }
    expect(events).toHaveLength(lists.length - 1);
    events.forEach((event, i) => {
      expect(event.context.previous_attributes.context.configured_targets).toEqual(lists[i]);
      expect(event.context.configured_targets).toEqual(lists[i + 1]);
    });
  });

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
    // The seeded list and the one with `extra`: each stored once, whatever the number of writes;
    // the second as a few splices of the first.
    expect(parts()).toBe(2);
    const stores = f.db.prepare<[], string>('SELECT json FROM event_parts ORDER BY id').pluck().all();
    expect(stores[0].startsWith('{')).toBe(true);
    expect(stores[1].startsWith('\u0001')).toBe(true);
    expect(stores[1].length * 4).toBeLessThan(stores[0].length);
    const events = (await call('GET', '/events?events=flag.rule_updated&order=asc')).json().data;
    expect(events).toHaveLength(4);
    events.forEach((event: { context: { configured_targets: unknown; previous_attributes: { context: { configured_targets: unknown } } } }, i: number) => {
      expect(event.context.previous_attributes.context.configured_targets).toEqual(lists[i]);
      expect(event.context.configured_targets).toEqual(lists[i + 1]);
    });
    // The stored bodies name the parts (two lists each) instead of holding them.
    const stored = f.db.prepare<[], string>("SELECT body FROM events WHERE event = 'flag.rule_updated'").pluck().all();
    for (const body of stored) {
      expect(body.split('\u0001')).toHaveLength(5);
      expect(body).not.toContain('someone.with.a.long.address');
    }
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

describe('the part writer and reader', () => {
  it('find again the lists of writes cycling over many owners while they fit, and forget the least recently used past the bound', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare("INSERT INTO environments (id, public_id, name, created_at) VALUES ('e', 'environment_e', 'e', '2026-01-01T00:00:00.000Z')").run();
    const frame = ['[', ']'];
    const entry = (owner: number, i: number) => JSON.stringify({ id: `user_${owner}_${i}`, email: `someone.${i}@example.com` });
    // Per owner, a list and the same with one entry more: a write and its undo, again and again.
    const lists = [0, 1, 2].map((owner) => {
      const base = Array.from({ length: 100 }, (_, i) => entry(owner, i));
      return [chunked(base), chunked([...base.slice(0, 50), entry(owner, 1000), ...base.slice(50)])];
    });
    const cycle = (maxEntries: number) => {
      const writer = createPartWriter(db, { maxEntries });
      const reader = createPartReader(db);
      const before = db.prepare<[], number>('SELECT count(*) FROM event_parts').pluck().get()!;
      db.transaction(() => {
        for (let round = 0; round < 3; round++) {
          for (const [owner, [base, more]] of lists.entries()) {
            for (const list of [base, more, base]) {
              const ref = writer.ref('e', `flag_${maxEntries}_${owner}`, frame, [list]);
              expect(reader.expand('e', ref)).toBe(`[${flat(list).join(',')}]`);
            }
          }
        }
      })();
      return db.prepare<[], number>('SELECT count(*) FROM event_parts').pluck().get()! - before;
    };
    try {
      // Three owners' two lists fit: each list is stored once (the second as a delta).
      expect(cycle(6 * 101)).toBe(6);
      // Room for one owner's lists only: every round forgets each owner before its next turn.
      expect(cycle(2 * 101)).toBe(18);
    } finally {
      db.close();
    }
  });

  it("find again a flag's last six lists, counting the chunks its lists share once against the bound", () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare("INSERT INTO environments (id, public_id, name, created_at) VALUES ('e', 'environment_e', 'e', '2026-01-01T00:00:00.000Z')").run();
    const frame = ['[', ']'];
    const entry = (owner: string, i: number) => JSON.stringify({ id: `user_${owner}_${i}`, email: `someone.${i}@example.com` });
    // Two flags, each with a suite cycling five users through its targets: its list, and the list
    // with each user added (sharing every chunk but one with the first).
    const listsOf = (owner: string) => {
      const base = chunked(Array.from({ length: 1000 }, (_, i) => entry(owner, i)));
      return [base, ...[0, 1, 2, 3, 4].map((k) => insertAt(base, { chunk: k, index: 1 }, entry(owner, 5000 + k)))];
    };
    const owners = { a: listsOf('a'), b: listsOf('b') };
    expect(owners.a[0].length).toBeGreaterThan(5);
    const chunkSize = Math.max(...owners.a[0].map((c) => c.length)) + 1;
    // Room for each flag's one list and a chunk per other list, not for six whole lists each.
    const writer = createPartWriter(db, { maxEntries: 2 * (1000 + 5 * chunkSize) });
    const reader = createPartReader(db);
    const stored = () => db.prepare<[], number>('SELECT count(*) FROM event_parts').pluck().get()!;
    db.transaction(() => {
      for (let round = 0; round < 3; round++) {
        for (const [owner, lists] of Object.entries(owners)) {
          for (const list of lists) expect(reader.expand('e', writer.ref('e', owner, frame, [list]))).toBe(`[${flat(list).join(',')}]`);
        }
      }
      expect(stored()).toBe(12); // each list once: every later write found its list again
    })();
    db.close();
  });

  // Any sequence of lists, each an edit of the last in one piece or both: what the reader rebuilds
  // from the stored parts (whole or deltas) is always the list's JSON.
  it('rebuild every part as its pieces joined in their frame', () => {
    const db = openDatabase(':memory:');
    migrate(db);
    db.prepare("INSERT INTO environments (id, public_id, name, created_at) VALUES ('e', 'environment_e', 'e', '2026-01-01T00:00:00.000Z')").run();
    const frame = ['{"a":[', '],"b":[', ']}'];
    // Some items repeat, so a list holds equal entries next to each other and at both ends.
    const item = fc.oneof(fc.string({ minLength: 1, maxLength: 40 }).map((t) => JSON.stringify({ id: t })), fc.constantFrom('{"id":"user_x","email":"x@example.com"}', '{"id":"user_y","email":"y@example.com"}'));
    // An edit as the writer makes them, one item at a time (the lists share their other chunks),
    // or now and then the same items chunked afresh (equal lists of other arrays).
    const applyEdit = (list: Chunks, e: { at: number; remove: number; insert: string[]; rechunk: boolean }) => {
      const at = e.at % (flat(list).length + 1);
      for (let r = 0; r < e.remove && at < flat(list).length; r++) list = removeAt(list, positionOf(list, at));
      e.insert.forEach((item, i) => (list = insertAt(list, positionOf(list, at + i), item)));
      return e.rechunk ? chunked(flat(list)) : list;
    };
    // Edits at the start often: where a list's first chunk goes and the comma before the next item with it.
    const edit = fc.record({ piece: fc.constantFrom(0, 1, 2), at: fc.oneof(fc.constant(0), fc.nat()), remove: fc.nat({ max: 3 }), insert: fc.array(item, { maxLength: 3 }), rechunk: fc.nat({ max: 7 }).map((n) => n === 0) });
    // A list cut into chunks of the given sizes (the rest in one), as a writer's lists may be after many edits.
    const cut = (items: string[], sizes: number[]): Chunks => {
      const out: string[][] = [];
      let at = 0;
      for (const n of sizes) if (at < items.length) out.push(items.slice(at, (at += n)));
      if (at < items.length) out.push(items.slice(at));
      return out;
    };
    const sizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 70 })), { maxLength: 6 });
    let owner = 0;
    try {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.array(item, { minLength: 40, maxLength: 300, size: 'max' }), sizes), { minLength: 2, maxLength: 2 }), fc.array(edit, { minLength: 1, maxLength: 40 }), (start, edits) => {
          const writer = createPartWriter(db);
          const reader = createPartReader(db);
          const name = `flag_${owner++}`;
          let lists = start.map(([items, cuts]) => cut(items, cuts));
          const refs: [string, string][] = [];
          const json = () => frame[0] + flat(lists[0]).join(',') + frame[1] + flat(lists[1]).join(',') + frame[2];
          db.transaction(() => {
            // The lists as cut, stored whole: the first edit is stored as splices of them.
            refs.push([writer.ref('e', name, frame, lists), json()]);
            for (const e of edits) {
              // piece 2 edits both pieces at once.
              for (const p of e.piece === 2 ? [0, 1] : [e.piece]) {
                const list = applyEdit(lists[p], e);
                lists = p === 0 ? [list, lists[1]] : [lists[0], list];
              }
              refs.push([writer.ref('e', name, frame, lists), json()]);
            }
          })();
          for (const [ref, json] of refs) expect(reader.expand('e', `[${ref}]`)).toBe(`[${json}]`);
        }),
        { numRuns: 60 },
      );
      // The runs stored deltas, of one piece and of both, and whole parts.
      const stored = db.prepare<[], string>('SELECT json FROM event_parts').pluck().all();
      expect(stored.filter((json) => json.startsWith('{')).length).toBeGreaterThan(10);
      expect(stored.filter((json) => json.startsWith('\u0001') && JSON.parse(json.slice(json.indexOf('\u0001', 1) + 1)).length === 2).length).toBeGreaterThan(10);
    } finally {
      db.close();
    }
  });
});
