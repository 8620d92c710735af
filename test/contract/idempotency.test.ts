import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

// The plugin's rules are unit-tested (test/unit/idempotency.test.ts); this checks it is wired app-wide.
describe('Idempotency-Key in the app', () => {
  it('replays a POST of the app and refuses the key on another request', async () => {
    t = await buildTestApp({
      seed: {
        organizations: [{ id: 'org_01HZ0000000000000000000001', name: 'Acme' }],
        feature_flags: [{ slug: 'beta', enabled: true }],
      },
    });
    const headers = { ...t.headers, 'idempotency-key': 'target-1' };
    const url = '/feature-flags/beta/targets/org_01HZ0000000000000000000001';
    const first = await t.app.inject({ method: 'POST', url, headers });
    expectSpec(first, 'FlagTargetsController_createTarget', 204);
    const replay = await t.app.inject({ method: 'POST', url, headers });
    expectSpec(replay, 'FlagTargetsController_createTarget', 204);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const other = await t.app.inject({ method: 'POST', url: '/feature-flags/beta/targets/org_01HZ0000000000000000000002', headers });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ code: 'idempotency_key_reused' });
  });
});
