import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.js';
import { expectSpec } from '../helpers/spec.js';

let t: TestApp;
afterEach(() => t?.app.close());

type Json = Record<string, any>;
const START = '2026-01-15T12:00:00.000Z';
// Nothing listens there: deliveries fail, which these tests do not look at.
const URL_A = 'http://127.0.0.1:9/a';
const URL_B = 'https://hooks.example.com/b';

const inject = (method: string, url: string, body?: unknown, key = t.key) =>
  t.app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${key}` }, ...(body !== undefined && { payload: body as Json }) });

describe('webhook endpoints (WebhookEndpointsController_*)', () => {
  it('creates (201, enabled, we_ id, a secret), lists, updates with PATCH and deletes (204)', async () => {
    t = await buildTestApp({ clock: START });
    const created = expectSpec(await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created', 'user.created'] }), 'WebhookEndpointsController_create', 201) as Json;
    expect(created).toMatchObject({ object: 'webhook_endpoint', endpoint_url: URL_A, status: 'enabled', events: ['flag.created', 'user.created'], created_at: START, updated_at: START });
    expect(created.id).toMatch(/^we_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(created.secret).toMatch(/^[A-Za-z0-9]{25}$/);
    const other = expectSpec(await inject('POST', '/webhook_endpoints', { endpoint_url: URL_B, events: ['organization.created'] }), 'WebhookEndpointsController_create', 201) as Json;
    expect(other.secret).not.toBe(created.secret);

    const list = expectSpec(await inject('GET', '/webhook_endpoints'), 'WebhookEndpointsController_list', 200) as Json;
    expect(list.data.map((e: Json) => e.id)).toEqual([other.id, created.id]);
    expect(list.data[1]).toEqual(created);
    const page = expectSpec(await inject('GET', '/webhook_endpoints?limit=1&order=asc'), 'WebhookEndpointsController_list', 200) as Json;
    expect(page.data.map((e: Json) => e.id)).toEqual([created.id]);
    expect(page.list_metadata.after).toBe(created.id);

    await inject('POST', '/_flagstand/environments/current/clock', { advance_ms: 1000 });
    const updated = expectSpec(await inject('PATCH', `/webhook_endpoints/${created.id}`, { status: 'disabled', events: ['flag.updated'] }), 'WebhookEndpointsController_update', 200) as Json;
    expect(updated).toEqual({ ...created, status: 'disabled', events: ['flag.updated'], updated_at: '2026-01-15T12:00:01.000Z' });
    const moved = expectSpec(await inject('PATCH', `/webhook_endpoints/${created.id}`, { endpoint_url: 'http://localhost:4000/hooks' }), 'WebhookEndpointsController_update', 200) as Json;
    expect(moved.endpoint_url).toBe('http://localhost:4000/hooks');

    expectSpec(await inject('DELETE', `/webhook_endpoints/${created.id}`), 'WebhookEndpointsController_delete', 204);
    expectSpec(await inject('DELETE', `/webhook_endpoints/${created.id}`), 'WebhookEndpointsController_delete', 404);
    expectSpec(await inject('PATCH', `/webhook_endpoints/${created.id}`, { status: 'enabled' }), 'WebhookEndpointsController_update', 404);
    const after = expectSpec(await inject('GET', '/webhook_endpoints'), 'WebhookEndpointsController_list', 200) as Json;
    expect(after.data.map((e: Json) => e.id)).toEqual([other.id]);
  });

  it('answers 409 duplicate_endpoint for a URL the environment already has, on create and update', async () => {
    t = await buildTestApp();
    await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created'] });
    const dup = expectSpec(await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['user.created'] }), 'WebhookEndpointsController_create', 409) as Json;
    expect(dup.code).toBe('duplicate_endpoint');
    const b = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_B, events: ['flag.created'] })).json();
    expect((expectSpec(await inject('PATCH', `/webhook_endpoints/${b.id}`, { endpoint_url: URL_A }), 'WebhookEndpointsController_update', 409) as Json).code).toBe('duplicate_endpoint');
    // Another environment may use the same URL.
    const env = (await inject('POST', '/_flagstand/environments', {})).json();
    expectSpec(await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created'] }, env.api_key), 'WebhookEndpointsController_create', 201);
    expect((await inject('GET', '/webhook_endpoints', undefined, env.api_key)).json().data).toHaveLength(1);
  });

  it.each([
    [{ endpoint_url: 'not a url', events: ['flag.created'] }, 'invalid_url'],
    [{ endpoint_url: 'ftp://example.com/x', events: ['flag.created'] }, 'invalid_url'],
    [{ endpoint_url: URL_A, events: ['flag.exploded'] }, 'invalid_request_parameters'],
    [{ endpoint_url: URL_A, events: [] }, 'invalid_request_parameters'],
    [{ endpoint_url: URL_A }, 'invalid_request_parameters'],
    [{ events: ['flag.created'] }, 'invalid_request_parameters'],
  ])('answers 422 for %j (%s) and creates nothing', async (body, code) => {
    t = await buildTestApp();
    const res = expectSpec(await inject('POST', '/webhook_endpoints', body), 'WebhookEndpointsController_create', 422) as Json;
    expect(res.code).toBe(code);
    if (code === 'invalid_request_parameters') expect(res.errors.length).toBeGreaterThan(0);
    expect((await inject('GET', '/webhook_endpoints')).json().data).toEqual([]);
  });

  it('names the unknown event type (unknown_event_type), on update too', async () => {
    t = await buildTestApp();
    const res = expectSpec(await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created', 'nope'] }), 'WebhookEndpointsController_create', 422) as Json;
    expect(res.errors).toEqual([expect.objectContaining({ code: 'unknown_event_type', message: expect.stringContaining("'nope'") })]);
    const e = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created'] })).json();
    expectSpec(await inject('PATCH', `/webhook_endpoints/${e.id}`, { events: ['nope'] }), 'WebhookEndpointsController_update', 422);
    expectSpec(await inject('PATCH', `/webhook_endpoints/${e.id}`, { status: 'paused' }), 'WebhookEndpointsController_update', 422);
    expectSpec(await inject('PATCH', `/webhook_endpoints/${e.id}`, { endpoint_url: 'nope' }), 'WebhookEndpointsController_update', 422);
  });

  it('accepts the SDK 12 feature_flags.* types', async () => {
    t = await buildTestApp();
    const body = { endpoint_url: URL_A, events: ['feature_flags.flag.created', 'feature_flags.flag_rule.updated', 'feature_flags.flag_target.deleted'] };
    expectSpec(await inject('POST', '/webhook_endpoints', body), 'WebhookEndpointsController_create', 201);
  });

  it('has no GET by id and no PUT (the spec has neither)', async () => {
    t = await buildTestApp();
    const e = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['flag.created'] })).json();
    expect((await inject('GET', `/webhook_endpoints/${e.id}`)).statusCode).toBe(404);
    expect((await inject('PUT', `/webhook_endpoints/${e.id}`, { status: 'disabled' })).statusCode).toBe(404);
  });
});

describe('deliveries written with the event', () => {
  it('one per enabled endpoint subscribed to the type, none for a failed write or a disabled endpoint', async () => {
    t = await buildTestApp({ clock: START });
    const a = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['organization.created'] })).json();
    const b = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_B, events: ['organization.created', 'user.created'] })).json();
    const off = (await inject('POST', '/webhook_endpoints', { endpoint_url: 'http://127.0.0.1:9/off', events: ['organization.created'] })).json();
    await inject('PATCH', `/webhook_endpoints/${off.id}`, { status: 'disabled' });
    await inject('POST', '/organizations', { name: 'Acme' });
    await inject('POST', '/user_management/users', { email: 'jane@acme.com' });
    expect((await inject('POST', '/user_management/users', { email: 'jane@acme.com' })).statusCode).toBe(400);
    const events = (await inject('GET', '/events?order=asc&events=organization.created,user.created')).json().data;
    const res = await inject('GET', '/_flagstand/webhooks/deliveries');
    expect(res.statusCode).toBe(200);
    const deliveries = res.json().data as Json[];
    expect(deliveries.map((d) => [d.endpoint_id, d.event_id])).toEqual([
      [a.id, events[0].id],
      [b.id, events[0].id],
      [b.id, events[1].id],
    ]);
    expect(Object.keys(deliveries[0])).toEqual(['id', 'endpoint_id', 'event_id', 'attempts', 'last_status', 'next_attempt_at', 'delivered_at']);
    expect(deliveries[0].id).toMatch(/^wd_/);
    const byEndpoint = (await inject('GET', `/_flagstand/webhooks/deliveries?endpoint_id=${b.id}`)).json().data as Json[];
    expect(byEndpoint).toHaveLength(2);
    const byEvent = (await inject('GET', `/_flagstand/webhooks/deliveries?event_id=${events[1].id}`)).json().data as Json[];
    expect(byEvent.map((d) => d.endpoint_id)).toEqual([b.id]);
    expect((await inject('POST', '/_flagstand/webhooks/deliveries/wd_nope/retry')).statusCode).toBe(404);
  });

  it('follows endpoint changes made after events were recorded: create, update, snapshot restore, disable, reset', async () => {
    t = await buildTestApp({ clock: START });
    const deliveredFor = async () => {
      await inject('POST', '/organizations', { name: 'Acme' });
      const [event] = (await inject('GET', '/events?events=organization.created&limit=1')).json().data;
      return ((await inject('GET', `/_flagstand/webhooks/deliveries?event_id=${event.id}`)).json().data as Json[]).map((d) => d.endpoint_id);
    };
    expect(await deliveredFor()).toEqual([]);
    const a = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['organization.created'] })).json();
    expect(await deliveredFor()).toEqual([a.id]);
    const snap = (await inject('POST', '/_flagstand/environments/current/snapshots')).json();
    await inject('PATCH', `/webhook_endpoints/${a.id}`, { events: ['user.created'] });
    expect(await deliveredFor()).toEqual([]);
    expect((await inject('POST', `/_flagstand/environments/current/snapshots/${snap.id}/restore`)).statusCode).toBe(200);
    expect(await deliveredFor()).toEqual([a.id]);
    await inject('PATCH', `/webhook_endpoints/${a.id}`, { status: 'disabled' });
    expect(await deliveredFor()).toEqual([]);
    await inject('PATCH', `/webhook_endpoints/${a.id}`, { status: 'enabled' });
    expect(await deliveredFor()).toEqual([a.id]);
    expect((await inject('POST', '/_flagstand/environments/current/reset')).statusCode).toBe(200);
    expect(await deliveredFor()).toEqual([]);
  });

  it("brings a retry forward when the environment's clock passes its next attempt", async () => {
    t = await buildTestApp({ clock: START });
    const env = t.flagstand.environments[0].id;
    const store = t.flagstand.stores.webhooks;
    const e = (await inject('POST', '/webhook_endpoints', { endpoint_url: URL_A, events: ['organization.created'] })).json();
    await inject('POST', '/_flagstand/environments/current/clock', { now: START });
    await inject('POST', '/organizations', { name: 'Acme' });
    const [d] = store.listDeliveries(env, { endpoint_id: e.id });
    // As after a failed attempt: next try in a minute of clock time, an hour of real time away.
    store.schedule(env, d.id, '2026-01-15T12:01:00.000Z', Date.now() + 3_600_000);
    await inject('POST', '/_flagstand/environments/current/clock', { advance_ms: 59_999 });
    expect(store.deliveryById(env, d.id)!.due_ms).toBeGreaterThan(Date.now() + 3_000_000);
    await inject('POST', '/_flagstand/environments/current/clock', { advance_ms: 1 });
    expect(store.deliveryById(env, d.id)!.due_ms).toBeLessThanOrEqual(Date.now());
  });
});
