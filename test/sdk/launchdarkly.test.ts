import { WorkOS } from '@workos-inc/node';
import { Configuration, FeatureFlagsApi, UserSettingsApi } from 'launchdarkly-api-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningFlagstand } from '../../src/server.js';
import { pinnedId } from '../helpers/ids.js';
import { expectModel } from '../helpers/launchdarkly-models.js';

// The official LaunchDarkly REST client (launchdarkly-api-typescript 17.x) over a real port,
// beside the official WorkOS SDK on the same flags.

const KEY = 'sk_test_ld_sdk';
const ACME = pinnedId('organization', 1);
const ADA = pinnedId('user', 1); // active in Acme
const BOB = pinnedId('user', 2);

let server: RunningFlagstand;
let settings: UserSettingsApi;
let ldFlags: FeatureFlagsApi;
let workos: WorkOS;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    logLevel: 'silent',
    apiKeys: [KEY],
    seed: {
      launchdarkly_key: 'test',
      organizations: [{ id: ACME, name: 'Acme' }],
      users: [
        { id: ADA, email: 'ada@example.com', external_id: 'ada' },
        { id: BOB, email: 'bob@example.com' },
      ],
      organization_memberships: [{ user_id: ADA, organization_id: ACME }],
      feature_flags: [
        { slug: 'beta', enabled: true, created_at: '2026-01-01T00:00:00.000Z' },
        { slug: 'acme', enabled: true, targets: [ACME], created_at: '2026-01-01T00:00:01.000Z' },
        { slug: 'off', enabled: false, default_value: true, created_at: '2026-01-01T00:00:02.000Z' },
      ],
    },
  });
  // As LaunchDarkly's docs set it up: the token as the API key, here the server as the base path.
  const configuration = new Configuration({ apiKey: KEY, basePath: server.url });
  settings = new UserSettingsApi(configuration);
  ldFlags = new FeatureFlagsApi(configuration);
  workos = new WorkOS(KEY, { apiHostname: '127.0.0.1', port: server.port, https: false });
});
afterAll(() => server.close());

const workosFlags = async (userId: string) =>
  (await workos.featureFlags.listUserFeatureFlags({ userId })).data.map((f) => f.slug).sort();

async function rejection(call: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  const err = (await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  )) as { response?: { status: number; data: unknown } };
  expect(err.response, String(err)).toBeDefined();
  return { status: err.response!.status, data: err.response!.data };
}

describe('UserSettingsApi', () => {
  it('getUserFlagSettings lists every flag with _value and setting', async () => {
    const res = await settings.getUserFlagSettings('default', 'test', 'ada');
    expect(res.status).toBe(200);
    expectModel(res.data, 'UserFlagSettings');
    expect(Object.fromEntries(Object.entries(res.data.items).map(([k, v]) => [k, [v._value, v.setting]]))).toEqual({
      beta: [false, null],
      acme: [true, null],
      off: [false, null],
    });
  });

  it('getUserFlagSetting reads one flag, by email too', async () => {
    const res = await settings.getUserFlagSetting('default', 'test', 'ada@example.com', 'acme');
    expect(res.status).toBe(200);
    expectModel(res.data, 'UserFlagSetting');
    expect(res.data).toMatchObject({ _value: true, setting: null });
  });

  it('putFlagSetting sets and clears the target the WorkOS SDK sees', async () => {
    const put = await settings.putFlagSetting('default', 'test', BOB, 'beta', { setting: true, comment: 'try it' });
    expect(put.status).toBe(204);
    expect(await workosFlags(BOB)).toEqual(['beta']);
    expect((await settings.getUserFlagSetting('default', 'test', BOB, 'beta')).data).toMatchObject({ _value: true, setting: true });

    await settings.putFlagSetting('default', 'test', BOB, 'beta', { setting: false });
    expect(await workosFlags(BOB)).toEqual([]);
    expect((await settings.getUserFlagSetting('default', 'test', BOB, 'beta')).data).toMatchObject({ _value: false, setting: false });

    await settings.putFlagSetting('default', 'test', BOB, 'beta', {});
    expect((await settings.getUserFlagSetting('default', 'test', BOB, 'beta')).data).toMatchObject({ _value: false, setting: null });
  });

  it('answers LaunchDarkly errors the client surfaces', async () => {
    const bad = await rejection(settings.putFlagSetting('default', 'test', BOB, 'beta', { setting: 'yes' }));
    expect(bad.status).toBe(400);
    expect(bad.data).toMatchObject({ code: 'invalid_request' });
    const missing = await rejection(settings.getUserFlagSetting('default', 'test', BOB, 'nope'));
    expect(missing).toEqual({ status: 404, data: { code: 'not_found', message: 'Invalid resource identifier' } });
    const noUser = await rejection(settings.putFlagSetting('default', 'test', 'nobody', 'beta', { setting: true }));
    expect(noUser.status).toBe(404);
    const wrongKey = new UserSettingsApi(new Configuration({ apiKey: 'sk_test_wrong', basePath: server.url }));
    expect(await rejection(wrongKey.getUserFlagSettings('default', 'test', 'ada'))).toEqual({
      status: 401,
      data: { code: 'unauthorized', message: 'Invalid access token' },
    });
  });
});

describe('UserSettingsApi: expiring user targets', () => {
  // spec: semantic patch requests carry this content type; the client sends plain JSON unless told.
  const semanticPatch = { headers: { 'Content-Type': 'application/json; domain-model=launchdarkly.semanticpatch' } };

  it('patchExpiringFlagsForUser schedules with the variation id of getFeatureFlag; getExpiringFlagsForUser lists it', async () => {
    const flag = (await ldFlags.getFeatureFlag('default', 'acme')).data;
    await workos.featureFlags.addFlagTarget({ slug: 'acme', targetId: ADA });
    const when = Date.now() + 86_400_000;
    const res = await settings.patchExpiringFlagsForUser(
      'default',
      'ada',
      'test',
      { instructions: [{ kind: 'addExpireUserTargetDate', flagKey: 'acme', variationId: flag.variations[0]._id!, value: when }] },
      semanticPatch,
    );
    expect(res.status).toBe(200);
    expectModel(res.data, 'ExpiringUserTargetPatchResponse');
    expect(res.data).toMatchObject({ totalInstructions: 1, successfulInstructions: 1, failedInstructions: 0, errors: [] });
    const listed = await settings.getExpiringFlagsForUser('default', 'ada', 'test');
    expect(listed.status).toBe(200);
    expectModel(listed.data, 'ExpiringUserTargetGetResponse');
    expect(listed.data.items).toEqual([expect.objectContaining({ _version: 1, expirationDate: when, userKey: 'ada', variationId: flag.variations[0]._id })]);

    const updated = await settings.patchExpiringFlagsForUser(
      'default',
      'ada',
      'test',
      { instructions: [{ kind: 'updateExpireUserTargetDate', flagKey: 'acme', variationId: flag.variations[0]._id!, value: when + 1000, version: 1 }] },
      semanticPatch,
    );
    expect(updated.data.items).toEqual([expect.objectContaining({ _id: listed.data.items[0]._id, _version: 2, expirationDate: when + 1000 })]);
    const removed = await settings.patchExpiringFlagsForUser(
      'default',
      'ada',
      'test',
      { instructions: [{ kind: 'removeExpireUserTargetDate', flagKey: 'acme', variationId: flag.variations[0]._id! }] },
      semanticPatch,
    );
    expect(removed.data.items).toEqual([]);
  });

  it('refuses the plain JSON the client sends by default', async () => {
    const instructions = [{ kind: 'removeExpireUserTargetDate' as const, flagKey: 'acme', variationId: 'x' }];
    const res = await rejection(settings.patchExpiringFlagsForUser('default', 'ada', 'test', { instructions }));
    expect(res.status).toBe(400);
    expect(res.data).toMatchObject({ code: 'invalid_request' });
  });
});

describe('FeatureFlagsApi.getFeatureFlag', () => {
  it('gives the variation ids a semantic patch names', async () => {
    const res = await ldFlags.getFeatureFlag('default', 'beta');
    expect(res.status).toBe(200);
    expectModel(res.data, 'FeatureFlag');
    expect(res.data.key).toBe('beta');
    expect(res.data.variations.map((v) => v.value)).toEqual([true, false]);
  });
});
