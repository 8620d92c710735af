import { WorkOS as WorkOS11 } from '@workos-inc/node';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkOS as WorkOS12 } from 'workos-node-12';
import { startFlagstand, type RunningFlagstand } from '../../src/index.js';
import { expectEventSpec } from '../helpers/events.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// SDK 11 and 12 over a real port: the events list, the four webhook endpoint methods, and
// constructEvent on the deliveries a receiver in the test gets (signature, tolerance, body).

let flagstand: RunningFlagstand | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await flagstand?.close();
  await receiver?.close();
  flagstand = receiver = undefined;
});

type Client = WorkOS11 | WorkOS12;
const SDKS = [
  ['SDK 11', (key: string, f: RunningFlagstand) => new WorkOS11(key, { ...f.sdkOptions })],
  ['SDK 12', (key: string, f: RunningFlagstand) => new WorkOS12(key, { ...f.sdkOptions, maxRetries: 0 } as never)],
] as const;

async function setup(make: (key: string, f: RunningFlagstand) => Client) {
  flagstand = await startFlagstand();
  receiver = await startReceiver();
  return make(flagstand.apiKey, flagstand);
}

describe.each(SDKS)('%s', (_name, make) => {
  it('manages webhook endpoints: create, list, update (PATCH), delete', async () => {
    const workos = await setup(make);
    const endpoint = await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver!.url, events: ['organization.created'] } as never);
    expect(endpoint).toMatchObject({ object: 'webhook_endpoint', endpointUrl: receiver!.url, status: 'enabled', events: ['organization.created'] });
    expect(endpoint.id).toMatch(/^we_/);
    const list = await workos.webhooks.listWebhookEndpoints();
    expect(list.data.map((e) => e.id)).toEqual([endpoint.id]);
    const updated = await workos.webhooks.updateWebhookEndpoint({ id: endpoint.id, status: 'disabled', events: ['user.created'] } as never);
    expect(updated).toMatchObject({ id: endpoint.id, status: 'disabled', events: ['user.created'] });
    await workos.webhooks.deleteWebhookEndpoint({ id: endpoint.id } as never);
    expect((await workos.webhooks.listWebhookEndpoints()).data).toEqual([]);
    await expect(workos.webhooks.deleteWebhookEndpoint({ id: endpoint.id } as never)).rejects.toMatchObject({ status: 404 });
  });

  it('delivers each subscribed event signed, and constructEvent accepts it with the secret; the body is the listed event', async () => {
    const workos = await setup(make);
    const endpoint = await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver!.url, events: ['organization.created', 'organization.updated'] } as never);
    const org = await workos.organizations.createOrganization({ name: 'Acme' });
    await workos.userManagement.createUser({ email: 'jane@acme.com' }); // not subscribed
    await workos.organizations.updateOrganization({ organization: org.id, name: 'Acme 2' });
    const [first, second] = await receiver!.waitFor(2);

    // SDK 12 sends no `order`: the list is newest first (the default).
    const listed = await workos.events.listEvents({ events: ['organization.created', 'organization.updated'] } as never);
    expect(listed.data.map((e) => e.event)).toEqual(['organization.updated', 'organization.created']);
    const raw = (await (await fetch(`${flagstand!.url}/events?events=organization.created,organization.updated&order=asc`, {
      headers: { authorization: `Bearer ${flagstand!.apiKey}` },
    })).json()) as { data: { id: string }[] };
    for (const [i, delivery] of [first, second].entries()) {
      expect(delivery.headers['content-type']).toBe('application/json');
      const sigHeader = delivery.headers['workos-signature'] as string;
      expect(sigHeader).toMatch(/^t=\d{13}, v1=[0-9a-f]{64}$/);
      const event = await workos.webhooks.constructEvent({ payload: JSON.parse(delivery.body), sigHeader, secret: endpoint.secret });
      expect(event.id).toBe(raw.data[i].id);
      expect(listed.data.map((e) => e.id)).toContain(event.id);
      expect(event.event).toBe(['organization.created', 'organization.updated'][i]);
      expect(JSON.parse(delivery.body)).toEqual(raw.data[i]);
      expectEventSpec(JSON.parse(delivery.body));
    }
    await expect(
      workos.webhooks.constructEvent({ payload: JSON.parse(first.body), sigHeader: first.headers['workos-signature'] as string, secret: 'wrong' }),
    ).rejects.toThrow(/signature/i);
    // Only subscribed types were delivered.
    expect(receiver!.received).toHaveLength(2);
  });

  it('signs with the environment clock: a clock 4 minutes behind makes a signature the SDK rejects', async () => {
    const workos = await setup(make);
    const endpoint = await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver!.url, events: ['user.created'] } as never);
    await flagstand!.setClock(new Date(Date.now() - 4 * 60_000));
    await workos.userManagement.createUser({ email: 'jane@acme.com' });
    const [delivery] = await receiver!.waitFor(1);
    const sigHeader = delivery.headers['workos-signature'] as string;
    await expect(workos.webhooks.constructEvent({ payload: JSON.parse(delivery.body), sigHeader, secret: endpoint.secret })).rejects.toThrow(/tolerance/);
    await expect(
      workos.webhooks.constructEvent({ payload: JSON.parse(delivery.body), sigHeader, secret: endpoint.secret, tolerance: 10 * 60_000 }),
    ).resolves.toMatchObject({ event: 'user.created' });
  });

  it('lists events with the SDK filters: types, organization, range, limit and after', async () => {
    const workos = await setup(make);
    await flagstand!.setClock('2026-03-01T00:00:00.000Z');
    const acme = await workos.organizations.createOrganization({ name: 'Acme' });
    await flagstand!.advanceClock(60_000);
    await workos.organizations.createOrganization({ name: 'Globex' });
    await workos.userManagement.createUser({ email: 'jane@acme.com' });
    const all = await workos.events.listEvents({ events: ['organization.created', 'user.created'] } as never);
    expect(all.data.map((e) => e.event)).toEqual(['user.created', 'organization.created', 'organization.created']);
    const byOrg = await workos.events.listEvents({ events: ['organization.created'], organizationId: acme.id } as never);
    expect(byOrg.data.map((e) => (e.data as { id: string }).id)).toEqual([acme.id]);
    const later = await workos.events.listEvents({ events: ['organization.created'], rangeStart: '2026-03-01T00:00:30.000Z' } as never);
    expect(later.data.map((e) => (e.data as { name: string }).name)).toEqual(['Globex']);
    const page = await workos.events.listEvents({ events: ['organization.created', 'user.created'], limit: 2 } as never);
    expect(page.data).toHaveLength(2);
    const rest = await workos.events.listEvents({ events: ['organization.created', 'user.created'], limit: 2, after: page.listMetadata.after } as never);
    expect(rest.data.map((e) => e.id)).toEqual([all.data[2].id]);
  });
});

describe('retries', () => {
  it('retries a delivery answered 500, and waitForEvent({ delivered }) resolves once it is delivered', async () => {
    flagstand = await startFlagstand();
    receiver = await startReceiver();
    receiver.respondWith((n) => (n === 0 ? 500 : 200));
    const workos = new WorkOS11(flagstand.apiKey, flagstand.sdkOptions);
    const endpoint = await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url, events: ['organization.created'] } as never);
    await workos.organizations.createOrganization({ name: 'Acme' });
    const event = await flagstand.waitForEvent({ event: 'organization.created', delivered: true, timeoutMs: 10_000 });
    const [delivery] = await flagstand.listDeliveries({ eventId: event.id });
    expect(delivery).toMatchObject({ endpointId: endpoint.id, eventId: event.id, attempts: 2, lastStatus: 200, nextAttemptAt: null });
    expect(delivery.deliveredAt).not.toBeNull();
    expect(receiver.received.map((r) => r.body)).toEqual([receiver.received[0].body, receiver.received[0].body]);

    // The admin retry sends it again now and answers once the attempt is over.
    const again = await flagstand.retryDelivery(delivery.id);
    expect(again).toMatchObject({ attempts: 3, lastStatus: 200 });
    expect(receiver.received).toHaveLength(3);
  });

  it('survives a receiver that hangs or refuses: requests are answered at once and other endpoints still get theirs', async () => {
    flagstand = await startFlagstand();
    receiver = await startReceiver();
    const hanging = await startReceiver();
    hanging.respondWith(() => 'hang');
    const workos = new WorkOS11(flagstand.apiKey, flagstand.sdkOptions);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: hanging.url, events: ['organization.created'] } as never);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: 'http://127.0.0.1:9/refused', events: ['organization.created'] } as never);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url, events: ['organization.created'] } as never);
    const started = Date.now();
    for (let i = 0; i < 5; i++) await workos.organizations.createOrganization({ name: `Org ${i}` });
    expect(Date.now() - started).toBeLessThan(4000); // the writes never waited for a receiver
    await receiver.waitFor(5);
    await hanging.waitFor(1);
    const deliveries = await flagstand.listDeliveries();
    expect(deliveries).toHaveLength(15);
    await hanging.close();
  });

  it('delivers a burst of writes to two endpoints completely, each endpoint in commit order', async () => {
    flagstand = await startFlagstand();
    receiver = await startReceiver();
    const other = await startReceiver();
    const workos = new WorkOS11(flagstand.apiKey, flagstand.sdkOptions);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: receiver.url, events: ['organization.created'] } as never);
    await workos.webhooks.createWebhookEndpoint({ endpointUrl: other.url, events: ['organization.created'] } as never);
    // Written concurrently: most land while each endpoint has an attempt in flight.
    await Promise.all(Array.from({ length: 30 }, (_, i) => workos.organizations.createOrganization({ name: `Org ${i}` })));
    const [a, b] = await Promise.all([receiver.waitFor(30), other.waitFor(30)]);
    const listed = await workos.events.listEvents({ events: ['organization.created'], limit: 100 } as never);
    const committed = listed.data.map((e) => e.id).reverse();
    for (const got of [a, b]) expect(got.map((d) => JSON.parse(d.body).id)).toEqual(committed);
    await other.close();
  });
});
