import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { createFlagTargetReader } from '../../src/modules/events/flag-targets.js';
import { createPartReader } from '../../src/modules/events/parts.js';
import { accessType } from '../../src/modules/events/rule-changes.js';
import { createFlagstand, type Flagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';
import { lcg } from '../helpers/random.js';

// flag.rule_updated carries the flag's configured targets before and after each classic target
// write. They are kept between writes and derived from the one target a write names; this checks
// every event of a random series of writes against the targets read afresh from the tables.

const KEY = 'sk_test_configured';
const users = Array.from({ length: 6 }, (_, i) => pinnedId('user', i + 1));
const orgs = Array.from({ length: 4 }, (_, i) => pinnedId('organization', i + 1));
const FLAGS = ['alpha', 'beta'];

let open: Flagstand | undefined;
afterEach(async () => {
  await open?.app.close();
  open = undefined;
});

describe('configured targets in flag.rule_updated', () => {
  it('equal a fresh read of the tables after every write of a random series', async () => {
    // Time moves only sometimes: targets added in the same millisecond are ordered by id.
    const clock = fixedClock('2026-01-15T12:00:00.000Z');
    let ms = Date.parse('2026-01-15T12:00:00.000Z');
    open = await createFlagstand({
      clock,
      logLevel: 'silent',
      seed: {
        api_keys: [KEY],
        // Quotes, accents and U+2028 in names: the event's JSON is built from kept parts (checked byte for byte below).
        organizations: orgs.map((id, i) => ({ id, name: `Org "${i}" \u00e9\u2028` })),
        users: users.map((id, i) => ({ id, email: `u${i}@example.com` })),
        feature_flags: [
          { slug: 'alpha', enabled: true, targets: [users[0], { id: orgs[1], enabled: false }] },
          { slug: 'beta', enabled: false, targets: [orgs[0]] },
        ],
      },
    });
    const f = open;
    const fresh = () => createFlagTargetReader(f.db); // its own, empty kept map: reads the tables
    // The truth, from the users' and organizations' own rows (not the memberships' labels, which
    // the reader reads and triggers keep: their drift is what this would catch).
    const truth = (flag: string) => {
      const of = (type: string, table: string, column: string) =>
        f.db
          .prepare<[string, string, string], { id: string; label: string }>(
            `SELECT t.target_id AS id, x.${column} AS label FROM flag_rules r
               JOIN flag_targets t ON t.environment_id = r.environment_id AND t.rule_id = r.id
               JOIN ${table} x ON x.environment_id = t.environment_id AND x.id = t.target_id
             WHERE r.environment_id = ? AND r.flag_id = ? AND r.target_type = ? AND r.value = 1
             ORDER BY t.created_at, t.target_id`,
          )
          .all(environmentId, flag, type);
      return {
        organizations: of('organization', 'organizations', 'name').map(({ id, label }) => ({ id, name: label })),
        users: of('user', 'users', 'email').map(({ id, label }) => ({ id, email: label })),
      };
    };
    const flagId = (slug: string) => f.db.prepare<[string], string>('SELECT id FROM feature_flags WHERE slug = ?').pluck().get(slug)!;
    const environmentId = f.db.prepare<[], string>('SELECT environment_id FROM feature_flags LIMIT 1').pluck().get()!;
    const parts = createPartReader(f.db);
    const call = (method: 'POST' | 'DELETE' | 'PUT', url: string, body?: object) =>
      f.app.inject({ method, url, headers: { authorization: `Bearer ${KEY}` }, ...(body && { payload: body }) });
    const random = lcg(7);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    let checked = 0;
    let lastEvent: string | undefined;
    for (let step = 0; step < 300; step++) {
      const slug = pick(FLAGS);
      const target = random() < 0.6 ? pick(users) : pick(orgs);
      const r = random();
      const before = truth(flagId(slug));
      expect(fresh().configuredTargets(environmentId, flagId(slug))).toEqual(before);
      if (r < 0.45) expect((await call('POST', `/feature-flags/${slug}/targets/${target}`)).statusCode).toBe(204);
      else if (r < 0.75) expect((await call('DELETE', `/feature-flags/${slug}/targets/${target}`)).statusCode).toBe(204);
      else if (r < 0.9) {
        // The admin API's explicit off and on (a move between the flag's false and true rules).
        const res = await call('PUT', `/_flagstand/feature-flags/${slug}/targets/${target}`, { enabled: random() < 0.5 });
        expect(res.statusCode, res.body).toBeLessThan(300);
      } else if (r < 0.93) {
        // Another user, who is no one's target: lists kept before it stay right.
        const res = await call('POST', '/user_management/users', { email: `new${step}@example.com` });
        expect(res.statusCode, res.body).toBe(201);
      } else if (target.startsWith('user_')) {
        expect((await call('PUT', `/user_management/users/${target}`, { email: `changed${step}@example.com` })).statusCode).toBe(200);
      } else expect((await call('PUT', `/organizations/${target}`, { name: `Renamed ${step}` })).statusCode).toBe(200);
      if (random() < 0.3) clock.set(new Date(++ms).toISOString());
      const after = truth(flagId(slug));
      for (const other of FLAGS) expect(fresh().configuredTargets(environmentId, flagId(other))).toEqual(truth(flagId(other)));
      const latest = (await f.app.inject({ method: 'GET', url: '/events?events=flag.rule_updated&limit=1', headers: { authorization: `Bearer ${KEY}` } })).json().data[0];
      // A rename is no rule change (no event), but later events list the new email or name.
      const renamed = r >= 0.9;
      if (renamed || JSON.stringify(before) === JSON.stringify(after)) {
        expect(latest?.id).toBe(lastEvent); // no change, no event
        continue;
      }
      expect(latest.id).not.toBe(lastEvent);
      lastEvent = latest.id;
      expect(latest.data.slug).toBe(slug);
      expect(latest.context.configured_targets).toEqual(after);
      expect(latest.context.previous_attributes.context.configured_targets).toEqual(before);
      // The stored body with its parts in place, byte for byte, as JSON.stringify builds the event from the fresh reads.
      const body = parts.expand(environmentId, f.db.prepare<[string], string>('SELECT body FROM events WHERE id = ?').pluck().get(latest.id)!);
      const { client_id, actor } = latest.context;
      const context = { client_id, actor, access_type: accessType(after), configured_targets: after, previous_attributes: { context: { access_type: accessType(before), configured_targets: before } } };
      expect(body).toBe(JSON.stringify({ object: 'event', id: latest.id, event: 'flag.rule_updated', data: latest.data, created_at: latest.created_at, context }));
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });
});
