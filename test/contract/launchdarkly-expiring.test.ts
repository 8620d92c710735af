import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { variationId } from '../../src/modules/launchdarkly/variation-ids.js';
import type { SeedDocument, SeedEnvironment } from '../../src/seed/schema.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { pinnedId } from '../helpers/ids.js';
import { expectModel } from '../helpers/launchdarkly-models.js';

// Expiring user targets: LaunchDarkly's expiring-user-targets GET and semantic PATCH, the
// admin API and the seed, and the sweeper removing a target as the WorkOS DELETE does when the
// environment's clock passes its time (moved by a test, or on the real clock).

const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1);
const BOB = pinnedId('user', 2);
const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const HOUR = 3_600_000;

const SEED: SeedEnvironment = {
  launchdarkly_key: 'test',
  organizations: [{ id: ACME, name: 'Acme' }],
  users: [
    { id: ADA, email: 'ada@example.com', external_id: 'ada' },
    { id: BOB, email: 'bob@example.com' },
  ],
  feature_flags: [
    { slug: 'beta', enabled: true, targets: [ADA], created_at: '2026-01-01T00:00:00.000Z' },
    { slug: 'gamma', enabled: true, default_value: true, targets: [{ id: ADA, enabled: false }], created_at: '2026-01-01T00:00:01.000Z' },
    { slug: 'delta', enabled: true, targets: [ADA, ACME], created_at: '2026-01-01T00:00:02.000Z' },
    { slug: 'plain', enabled: true, created_at: '2026-01-01T00:00:03.000Z' },
  ],
};

const SEMANTIC = 'application/json; domain-model=launchdarkly.semanticpatch';
const ON = (flag: string) => variationId(flag, true);
const OFF = (flag: string) => variationId(flag, false);

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp({ seed: SEED });
  await setClock(T0);
});
afterEach(() => t.app.close());

const auth = () => ({ authorization: t.key });
const expiringUrl = (user = 'ada', env = 'test', project = 'default') =>
  `/api/v2/users/${project}/${encodeURIComponent(user)}/expiring-user-targets/${env}`;
const getExpiring = (user?: string) => t.app.inject({ method: 'GET', url: expiringUrl(user), headers: auth() });
const patch = (instructions: unknown, { user = 'ada', contentType = SEMANTIC, url = expiringUrl(user) } = {}) =>
  t.app.inject({
    method: 'PATCH',
    url,
    headers: { ...auth(), 'content-type': contentType },
    payload: JSON.stringify(instructions === undefined ? {} : { instructions, comment: 'scheduled' }),
  });
const add = (flagKey: string, value: number, variation = ON(flagKey)) => ({ kind: 'addExpireUserTargetDate', flagKey, variationId: variation, value });

async function setClock(ms: number, environment = 'current', headers = t.headers) {
  const res = await t.app.inject({ method: 'POST', url: `/_flagstand/environments/${environment}/clock`, headers, payload: { now: new Date(ms).toISOString() } });
  expect(res.statusCode).toBe(200);
}
async function advance(ms: number, headers = t.headers) {
  const res = await t.app.inject({ method: 'POST', url: '/_flagstand/environments/current/clock', headers, payload: { advance_ms: ms } });
  expect(res.statusCode).toBe(200);
}
async function userFlags(userId: string, headers = t.headers): Promise<string[]> {
  const res = await t.app.inject({ method: 'GET', url: `/user_management/users/${userId}/feature-flags`, headers });
  return (res.json() as { data: { slug: string }[] }).data.map((f) => f.slug).sort();
}
async function pollTargets(slug: string): Promise<unknown[]> {
  const res = await t.app.inject({ method: 'GET', url: '/sdk/feature-flags', headers: t.headers });
  return (res.json() as Record<string, { targets: { users: unknown[] } }>)[slug].targets.users;
}
async function setting(slug: string, user = 'ada'): Promise<unknown> {
  const res = await t.app.inject({ method: 'GET', url: `/api/v2/users/default/test/${user}/flags/${slug}`, headers: auth() });
  return res.json().setting;
}

describe('GET and PATCH /api/v2/users/{proj}/{userKey}/expiring-user-targets/{env}', () => {
  it('lists nothing for a user with no schedule, or a key flagstand does not know', async () => {
    for (const user of ['ada', 'someone-new']) {
      const res = await getExpiring(user);
      expect(res.statusCode).toBe(200);
      expectModel(res.json(), 'ExpiringUserTargetGetResponse');
      expect(res.json()).toEqual({
        items: [],
        _links: { self: { href: `/api/v2/users/default/${user}/expiring-user-targets/test`, type: 'application/json' } },
      });
    }
  });

  it('adds, lists, updates and removes a schedule; _id stays, _version grows', async () => {
    const when = T0 + 24 * HOUR;
    const added = await patch([add('beta', when)]);
    expect(added.statusCode).toBe(200);
    expectModel(added.json(), 'ExpiringUserTargetPatchResponse');
    const body = added.json();
    expect(body).toMatchObject({ totalInstructions: 1, successfulInstructions: 1, failedInstructions: 0, errors: [] });
    expect(body.items).toEqual([
      {
        _id: expect.stringMatching(/^flag_target_/),
        _version: 1,
        expirationDate: when,
        userKey: 'ada',
        variationId: ON('beta'),
        _resourceId: { kind: 'flag', projectKey: 'default', environmentKey: 'test', flagKey: 'beta', key: 'beta' },
      },
    ]);
    const id = body.items[0]._id;
    const listed = (await getExpiring()).json();
    expectModel(listed, 'ExpiringUserTargetGetResponse');
    expect(listed.items).toEqual(body.items);

    const updated = await patch([{ kind: 'updateExpireUserTargetDate', flagKey: 'beta', variationId: ON('beta'), value: when + HOUR, version: 1 }]);
    expect(updated.json().items).toEqual([expect.objectContaining({ _id: id, _version: 2, expirationDate: when + HOUR })]);

    const removed = await patch([{ kind: 'removeExpireUserTargetDate', flagKey: 'beta', variationId: ON('beta') }]);
    expect(removed.json()).toMatchObject({ items: [], successfulInstructions: 1 });
    // Only the schedule goes: the target stays.
    expect(await userFlags(ADA)).toContain('beta');
    expect(await setting('beta')).toBe(true);
  });

  it('schedules an explicit-off target on its false variation, found by external id, email or id', async () => {
    for (const [i, user] of ['ada', 'ada@example.com', ADA].entries()) {
      const res = await patch([
        i === 0 ? add('gamma', T0 + HOUR, OFF('gamma')) : { kind: 'updateExpireUserTargetDate', flagKey: 'gamma', variationId: OFF('gamma'), value: T0 + (i + 1) * HOUR },
      ], { user });
      expect(res.json()).toMatchObject({ failedInstructions: 0, items: [{ userKey: user, variationId: OFF('gamma'), _version: i + 1 }] });
    }
  });

  it('applies the instructions that can apply and reports the others by index', async () => {
    const res = await patch([
      add('beta', T0 + HOUR),
      add('nope', T0 + HOUR),
      add('plain', T0 + HOUR), // not individually targeted
      add('gamma', T0 + HOUR, ON('gamma')), // targeted off, not on
      add('delta', T0 + HOUR, OFF('beta')), // another flag's variation
      add('beta', T0 + 2 * HOUR), // already scheduled (by instruction 0)
      { kind: 'updateExpireUserTargetDate', flagKey: 'beta', variationId: ON('beta'), value: T0 + 3 * HOUR, version: 7 },
      { kind: 'updateExpireUserTargetDate', flagKey: 'delta', variationId: ON('delta'), value: T0 + 3 * HOUR },
      { kind: 'removeExpireUserTargetDate', flagKey: 'delta', variationId: ON('delta') },
      add('delta', T0 + 4 * HOUR),
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expectModel(body, 'ExpiringUserTargetPatchResponse');
    expect(body).toMatchObject({ totalInstructions: 10, successfulInstructions: 2, failedInstructions: 8 });
    expect(body.errors.map((e: { instructionIndex: number }) => e.instructionIndex)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const e of body.errors) expect(e.message).toEqual(expect.any(String));
    expect(body.items.map((i: { _resourceId: { flagKey: string }; expirationDate: number }) => [i._resourceId.flagKey, i.expirationDate])).toEqual([
      ['beta', T0 + HOUR],
      ['delta', T0 + 4 * HOUR],
    ]);
    expect((await getExpiring()).json().items).toEqual(body.items);
  });

  describe('bad input: LaunchDarkly errors, nothing changed', () => {
    const nothingScheduled = async () => expect((await getExpiring()).json().items).toEqual([]);
    const expectError = (res: { statusCode: number; json(): { code: string; message: string } }, status: number, code: string) => {
      expect(res.statusCode).toBe(status);
      expect(Object.keys(res.json()).sort()).toEqual(['code', 'message']);
      expect(res.json().code).toBe(code);
    };

    it.each([
      ['no instructions', undefined],
      ['an empty list', []],
      ['instructions not a list', { kind: 'addExpireUserTargetDate' }],
      ['an instruction not an object', [add('beta', T0 + HOUR), 'remove']],
      ['an unknown kind', [add('beta', T0 + HOUR), { kind: 'addUserTargets', flagKey: 'beta', variationId: ON('beta'), value: T0 }]],
      ['a missing flagKey', [{ kind: 'addExpireUserTargetDate', variationId: ON('beta'), value: T0 + HOUR }]],
      ['a missing variationId', [{ kind: 'addExpireUserTargetDate', flagKey: 'beta', value: T0 + HOUR }]],
      ['a missing value', [{ kind: 'addExpireUserTargetDate', flagKey: 'beta', variationId: ON('beta') }]],
      ['a value as a string', [add('beta', T0 + HOUR), { ...add('delta', 0), value: '2026-03-02T00:00:00Z' }]],
      ['a fractional value', [{ ...add('beta', 0), value: 1.5 }]],
      ['a version on add', [{ ...add('beta', T0 + HOUR), version: 1 }]],
      ['a non-integer version', [{ kind: 'updateExpireUserTargetDate', flagKey: 'beta', variationId: ON('beta'), value: T0, version: '1' }]],
    ])('400 for %s', async (_, instructions) => {
      expectError(await patch(instructions), 400, 'invalid_request');
      await nothingScheduled();
    });

    it('400 for a semantic patch sent as plain JSON or JSON Patch, or malformed JSON', async () => {
      expectError(await patch([add('beta', T0 + HOUR)], { contentType: 'application/json' }), 400, 'invalid_request');
      const jsonPatch = await t.app.inject({
        method: 'PATCH',
        url: expiringUrl(),
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: JSON.stringify([{ op: 'replace', path: '/beta', value: T0 + HOUR }]),
      });
      expectError(jsonPatch, 400, 'invalid_request');
      const malformed = await t.app.inject({ method: 'PATCH', url: expiringUrl(), headers: { ...auth(), 'content-type': SEMANTIC }, payload: '{"instructions": [' });
      expectError(malformed, 400, 'invalid_request');
      await nothingScheduled();
    });

    it('404 for an unknown user, project or environment; 401 without a key', async () => {
      expectError(await patch([add('beta', T0 + HOUR)], { user: 'someone-new' }), 404, 'not_found');
      expectError(await patch([add('beta', T0 + HOUR)], { url: expiringUrl('ada', 'staging') }), 404, 'not_found');
      expectError(await patch([add('beta', T0 + HOUR)], { url: expiringUrl('ada', 'test', 'other') }), 404, 'not_found');
      expectError(await t.app.inject({ method: 'GET', url: expiringUrl('ada', 'staging'), headers: auth() }), 404, 'not_found');
      const anonymous = await t.app.inject({ method: 'PATCH', url: expiringUrl(), headers: { 'content-type': SEMANTIC }, payload: JSON.stringify({ instructions: [add('beta', T0 + HOUR)] }) });
      expectError(anonymous, 401, 'unauthorized');
      expectError(await t.app.inject({ method: 'GET', url: expiringUrl() }), 401, 'unauthorized');
      await nothingScheduled();
    });
  });
});

describe('expiry', () => {
  it('removes the target as the WorkOS DELETE does when the clock is moved past it, in every route at once', async () => {
    await patch([add('beta', T0 + HOUR), add('gamma', T0 + 2 * HOUR, OFF('gamma'))]);
    await advance(HOUR - 1);
    expect(await userFlags(ADA)).toEqual(['beta', 'delta']);
    expect(await pollTargets('beta')).toEqual([{ id: ADA, enabled: true }]);

    await advance(1); // exactly at the expiry
    expect(await userFlags(ADA)).toEqual(['delta']);
    expect(await pollTargets('beta')).toEqual([]);
    expect(await setting('beta')).toBeNull();
    expect((await getExpiring()).json().items.map((i: { _resourceId: { flagKey: string } }) => i._resourceId.flagKey)).toEqual(['gamma']);
    const flag = await t.app.inject({ method: 'GET', url: '/feature-flags/beta', headers: t.headers });
    expect(flag.json().updated_at).toBe(new Date(T0 + HOUR).toISOString());

    await advance(HOUR);
    // The explicit off went: gamma is back to its default (on).
    expect(await userFlags(ADA)).toEqual(['delta', 'gamma']);
    expect(await setting('gamma')).toBeNull();
    expect((await getExpiring()).json().items).toEqual([]);
  });

  it('fires at once for a time already past', async () => {
    const res = await patch([add('beta', T0 - 1)]);
    expect(res.json()).toMatchObject({ successfulInstructions: 1, items: [] });
    expect(await userFlags(ADA)).toEqual(['delta']);
  });

  it('fires on the real clock within a second when the environment follows it', async () => {
    await t.app.close();
    t = await buildTestApp({ seed: SEED }); // never moved: the environment follows the real clock
    await patch([add('beta', Date.now() + 300)]);
    expect(await userFlags(ADA)).toContain('beta');
    const deadline = Date.now() + 1_300;
    while ((await userFlags(ADA)).includes('beta')) {
      expect(Date.now(), 'the target is still there a second after its time').toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await pollTargets('beta')).toEqual([]);
  });

  it('goes with its target when any route removes it', async () => {
    await patch([add('beta', T0 + HOUR)]);
    const del = await t.app.inject({ method: 'DELETE', url: `/feature-flags/beta/targets/${ADA}`, headers: t.headers });
    expect(del.statusCode).toBe(204);
    expect((await getExpiring()).json().items).toEqual([]);
    await t.app.inject({ method: 'POST', url: `/feature-flags/beta/targets/${ADA}`, headers: t.headers });
    await advance(2 * HOUR);
    expect(await userFlags(ADA)).toContain('beta');

    await patch([add('delta', T0 + 3 * HOUR)]);
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v2/users/default/test/ada/flags/delta`,
      headers: { ...auth(), 'content-type': 'application/json' },
      payload: { setting: null },
    });
    expect(put.statusCode).toBe(204);
    expect((await getExpiring()).json().items).toEqual([]);
  });

  it('fires in its own environment only', async () => {
    const TWO: SeedDocument = {
      environments: [
        { ...SEED, name: 'w1', api_keys: ['sk_test_w1'] },
        { ...SEED, name: 'w2', api_keys: ['sk_test_w2'] },
      ],
    };
    await t.app.close();
    t = await buildTestApp({ seed: TWO });
    const w1 = { authorization: 'Bearer sk_test_w1' };
    const w2 = { authorization: 'Bearer sk_test_w2' };
    for (const headers of [w1, w2]) {
      await setClock(T0, 'current', headers);
      const res = await t.app.inject({
        method: 'PATCH',
        url: expiringUrl(),
        headers: { ...headers, 'content-type': SEMANTIC },
        payload: { instructions: [add('beta', T0 + HOUR)] },
      });
      expect(res.json().successfulInstructions).toBe(1);
    }
    await advance(2 * HOUR, w1);
    expect(await userFlags(ADA, w1)).toEqual(['delta']);
    expect(await userFlags(ADA, w2)).toEqual(['beta', 'delta']);
  });
});

describe('expiring targets in the WorkOS model: admin API and seed', () => {
  const putTarget = (slug: string, id: string, body: unknown) =>
    t.app.inject({ method: 'PUT', url: `/_flagstand/feature-flags/${slug}/targets/${id}`, headers: t.headers, payload: body as object });

  it('PUT /_flagstand/feature-flags/{slug}/targets/{id} sets, moves and clears expires_at', async () => {
    const at = new Date(T0 + HOUR).toISOString();
    expect((await putTarget('plain', BOB, { enabled: true, expires_at: at })).statusCode).toBe(204);
    expect((await getExpiring('bob@example.com')).json().items).toEqual([
      expect.objectContaining({ _version: 1, expirationDate: T0 + HOUR, variationId: ON('plain') }),
    ]);
    expect((await putTarget('plain', BOB, { enabled: true, expires_at: new Date(T0 + 2 * HOUR).toISOString() })).statusCode).toBe(204);
    expect((await getExpiring('bob@example.com')).json().items).toEqual([expect.objectContaining({ _version: 2, expirationDate: T0 + 2 * HOUR })]);
    // Without expires_at the schedule stands.
    expect((await putTarget('plain', BOB, { enabled: true })).statusCode).toBe(204);
    expect((await getExpiring('bob@example.com')).json().items).toHaveLength(1);
    expect((await putTarget('plain', BOB, { enabled: true, expires_at: null })).statusCode).toBe(204);
    expect((await getExpiring('bob@example.com')).json().items).toEqual([]);

    await putTarget('plain', BOB, { enabled: true, expires_at: at });
    expect(await userFlags(BOB)).toContain('plain');
    await advance(HOUR);
    expect(await userFlags(BOB)).not.toContain('plain');
  });

  it('refuses an expiry on an organization target or a bad time, changing nothing', async () => {
    const org = await putTarget('plain', ACME, { enabled: true, expires_at: new Date(T0 + HOUR).toISOString() });
    expect(org.statusCode).toBe(422);
    const poll = await t.app.inject({ method: 'GET', url: '/sdk/feature-flags', headers: t.headers });
    expect(poll.json().plain.targets.organizations).toEqual([]);
    const bad = await putTarget('plain', BOB, { enabled: true, expires_at: 'tomorrow' });
    expect(bad.statusCode).toBe(422);
    expect(await userFlags(BOB)).not.toContain('plain');
  });

  it('a seed target may carry expires_at', async () => {
    await t.app.close();
    t = await buildTestApp({
      seed: {
        ...SEED,
        feature_flags: [{ slug: 'beta', enabled: true, targets: [{ id: ADA, expires_at: new Date(T0 + HOUR).toISOString() }, BOB] }],
      },
    });
    await setClock(T0);
    expect((await getExpiring()).json().items).toEqual([expect.objectContaining({ _version: 1, expirationDate: T0 + HOUR, variationId: ON('beta') })]);
    await advance(HOUR);
    expect(await userFlags(ADA)).toEqual([]);
    expect(await userFlags(BOB)).toEqual(['beta']);
  });
});
