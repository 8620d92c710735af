import { afterEach, describe, expect, it } from 'vitest';
import { connectFlagstand } from '../../src/client.js';
import { startFlagstand, type RunningFlagstand } from '../../src/index.js';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';

let t: TestApp;
let running: RunningFlagstand | undefined;
afterEach(async () => {
  await t?.app.close();
  await running?.close();
  running = undefined;
});

type Json = Record<string, any>;

async function call(method: string, url: string, options: { key?: string; body?: unknown } = {}) {
  const res = await t.app.inject({
    method: method as 'GET',
    url,
    headers: { authorization: `Bearer ${options.key ?? t.key}` },
    ...(options.body !== undefined && { payload: options.body as Json }),
  });
  const body = res.body ? (JSON.parse(res.body) as Json) : undefined;
  if (res.statusCode >= 400) expect(typeof body?.message).toBe('string');
  return { status: res.statusCode, body: body as Json };
}

const CLOCK = '/_flagstand/environments/current/clock';
const START = '2026-01-15T12:00:00.000Z';

describe('GET/POST /_flagstand/environments/{environment}/clock', () => {
  it("follows the server's clock until moved, then stands still at exactly the time set or advanced to", async () => {
    t = await buildTestApp({ clock: START });
    expect(await call('GET', CLOCK)).toEqual({ status: 200, body: { now: START } });
    t.clock.set('2026-01-15T12:00:05.000Z');
    expect((await call('GET', CLOCK)).body).toEqual({ now: '2026-01-15T12:00:05.000Z' });

    expect(await call('POST', CLOCK, { body: { now: '2030-06-01T08:00:00Z' } })).toEqual({ status: 200, body: { now: '2030-06-01T08:00:00.000Z' } });
    t.clock.set('2026-01-15T12:00:09.000Z'); // the server's clock no longer matters
    expect((await call('GET', CLOCK)).body).toEqual({ now: '2030-06-01T08:00:00.000Z' });
    expect((await call('POST', CLOCK, { body: { advance_ms: 90_000 } })).body).toEqual({ now: '2030-06-01T08:01:30.000Z' });
    expect((await call('POST', CLOCK, { body: { advance_ms: -30_000 } })).body).toEqual({ now: '2030-06-01T08:01:00.000Z' });
    expect((await call('GET', CLOCK)).body).toEqual({ now: '2030-06-01T08:01:00.000Z' });
  });

  it('stamps created_at and updated_at of every write with the environment time', async () => {
    t = await buildTestApp({ clock: START });
    await call('POST', CLOCK, { body: { now: '2031-02-03T04:05:06.789Z' } });
    const org = await call('POST', '/organizations', { body: { name: 'Acme' } });
    expect(org.status).toBe(201);
    expect([org.body.created_at, org.body.updated_at]).toEqual(['2031-02-03T04:05:06.789Z', '2031-02-03T04:05:06.789Z']);
    await call('POST', CLOCK, { body: { advance_ms: 1000 } });
    const renamed = await call('PUT', `/organizations/${org.body.id}`, { body: { name: 'Acme 2' } });
    expect([renamed.body.created_at, renamed.body.updated_at]).toEqual(['2031-02-03T04:05:06.789Z', '2031-02-03T04:05:07.789Z']);
    const user = await call('POST', '/user_management/users', { body: { email: 'jane@acme.com' } });
    expect(user.body.created_at).toBe('2031-02-03T04:05:07.789Z');
    const flag = await call('POST', '/_flagstand/feature-flags', { body: { slug: 'beta' } });
    expect(flag.body.created_at).toBe('2031-02-03T04:05:07.789Z');
  });

  it('moves one environment only: each has its own clock, named by id, name or current', async () => {
    t = await buildTestApp({ clock: START });
    const other = (await call('POST', '/_flagstand/environments', { body: { name: 'worker-2' } })).body;
    await call('POST', CLOCK, { body: { now: '2040-01-01T00:00:00.000Z' } });
    expect((await call('GET', CLOCK, { key: other.api_key })).body.now).toBe(START);
    await call('POST', '/_flagstand/environments/worker-2/clock', { body: { now: '2041-01-01T00:00:00.000Z' } });
    expect((await call('GET', `/_flagstand/environments/${other.id}/clock`)).body.now).toBe('2041-01-01T00:00:00.000Z');
    expect((await call('GET', CLOCK)).body.now).toBe('2040-01-01T00:00:00.000Z');
    const org = await call('POST', '/organizations', { key: other.api_key, body: { name: 'Other' } });
    expect(org.body.created_at).toBe('2041-01-01T00:00:00.000Z');
  });

  it('goes back with reset and restore, like the rest of the environment', async () => {
    t = await buildTestApp({ clock: START });
    await call('POST', CLOCK, { body: { now: '2040-01-01T00:00:00.000Z' } });
    const snapshot = (await call('POST', '/_flagstand/environments/current/snapshots')).body;
    await call('POST', CLOCK, { body: { advance_ms: 5000 } });
    await call('POST', `/_flagstand/environments/current/snapshots/${snapshot.id}/restore`);
    expect((await call('GET', CLOCK)).body.now).toBe('2040-01-01T00:00:00.000Z');
    await call('POST', '/_flagstand/environments/current/reset');
    expect((await call('GET', CLOCK)).body.now).toBe(START);
  });

  it('tells listeners of every move, with the environment and its new time', async () => {
    t = await buildTestApp({ clock: START });
    const seen: [string, string][] = [];
    const stop = t.flagstand.clock.onChange((environmentId, now) => seen.push([environmentId, now]));
    await call('POST', CLOCK, { body: { advance_ms: 1 } });
    stop();
    await call('POST', CLOCK, { body: { advance_ms: 1 } });
    expect(seen).toEqual([[t.flagstand.environments[0].id, '2026-01-15T12:00:00.001Z']]);
  });

  it.each([
    [{}, 422],
    [{ now: '2030-01-01T00:00:00Z', advance_ms: 5 }, 422],
    [{ now: 'tomorrow' }, 422],
    [{ now: 5 }, 422],
    [{ advance_ms: 1.5 }, 422],
    [{ advance_ms: '5' }, 422],
    [{ advance_ms: 1e15 }, 422],
    [{ speed: 2 }, 422],
  ])('refuses %j with a JSON %i and leaves the clock alone', async (body, status) => {
    t = await buildTestApp({ clock: START });
    const res = await call('POST', CLOCK, { body });
    expect(res.status).toBe(status);
    expect((await call('GET', CLOCK)).body.now).toBe(START);
  });

  it('answers 404 for an unknown environment and 401 without a key', async () => {
    t = await buildTestApp();
    expect((await call('GET', '/_flagstand/environments/nope/clock')).status).toBe(404);
    expect((await call('POST', '/_flagstand/environments/nope/clock', { body: { advance_ms: 1 } })).status).toBe(404);
    const res = await t.app.inject({ method: 'GET', url: CLOCK });
    expect(res.statusCode).toBe(401);
  });
});

describe('the clock in the JS API', () => {
  it('getClock, setClock and advanceClock, in process and over HTTP, per environment', async () => {
    running = await startFlagstand();
    await expect(running.setClock('2030-01-01T00:00:00Z')).resolves.toBe('2030-01-01T00:00:00.000Z');
    await expect(running.advanceClock(60_000)).resolves.toBe('2030-01-01T00:01:00.000Z');
    await expect(running.getClock()).resolves.toBe('2030-01-01T00:01:00.000Z');
    const worker = await running.createEnvironment({ name: 'w1' });
    await running.setClock(new Date('2031-01-01T00:00:00Z'), 'w1');

    const client = connectFlagstand({ url: running.url, apiKey: worker.apiKey });
    await expect(client.getClock()).resolves.toBe('2031-01-01T00:00:00.000Z');
    await expect(client.advanceClock(1500)).resolves.toBe('2031-01-01T00:00:01.500Z');
    await expect(client.setClock('2032-01-01T00:00:00.000Z', running.environments[0].id)).resolves.toBe('2032-01-01T00:00:00.000Z');
    await expect(running.getClock()).resolves.toBe('2032-01-01T00:00:00.000Z');
    await expect(client.advanceClock(1e15)).rejects.toMatchObject({ status: 422 });
  });
});
