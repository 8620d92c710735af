import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';

// kill -9 between commit and delivery: the event and its delivery are committed, the process
// dies before the receiver got it, and a new process on the same --db file delivers it.

const KEY = 'sk_test_restart';
const BANNER = /flagstand listening on (http:\/\/127\.0\.0\.1:\d+)/;
let children: ChildProcess[] = [];
let receiver: Receiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  children = [];
  await receiver?.close();
  receiver = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function start(db: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--db', db], {
      env: { ...process.env, FLAGSTAND_API_KEYS: KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    const onData = (d: Buffer) => {
      output += d;
      const match = BANNER.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (output += d));
    child.on('exit', (code) => reject(new Error(`flagstand exited (${code}):\n${output}`)));
  });
}

const call = (url: string, method: string, path: string, body?: unknown) =>
  fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, any> }));

describe('deliveries survive kill -9', () => {
  it('a delivery committed but not yet delivered is delivered by the next process on the --db file', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'flagstand-restart-'));
    const db = join(dir, 'flagstand.db');
    receiver = await startReceiver();
    receiver.respondWith(() => 'hang'); // the first process never sees an answer
    const first = await start(db);
    const endpoint = (await call(first.url, 'POST', '/webhook_endpoints', { endpoint_url: receiver.url, events: ['organization.created'] })).body;
    const org = await call(first.url, 'POST', '/organizations', { name: 'Acme' });
    expect(org.status).toBe(201);
    await receiver.waitFor(1); // in flight: sent, unanswered
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));

    receiver.respondWith(() => 200);
    const second = await start(db);
    const received = await receiver.waitFor(2, 30_000);
    const event = JSON.parse(received[1].body);
    expect(event).toMatchObject({ event: 'organization.created', data: { id: org.body.id } });
    expect(received[1].body).toBe(received[0].body);
    // Eventually recorded as delivered (the attempt is recorded just after the answer).
    let deliveries: Record<string, any>[] = [];
    for (let i = 0; i < 100; i++) {
      deliveries = (await call(second.url, 'GET', `/_flagstand/webhooks/deliveries?endpoint_id=${endpoint.id}`)).body.data;
      if (deliveries[0]?.delivered_at) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ event_id: event.id, last_status: 200 });
    expect(deliveries[0].delivered_at).not.toBeNull();
  });
});
