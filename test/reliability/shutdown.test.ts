import net from 'node:net';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeWithin, startServer } from '../../src/server.js';

// Shutdown never waits on a client: requests in flight finish, idle keep-alive connections close
// at once, and a client stalled mid-request is cut off at the deadline.

const connect = (port: number) =>
  new Promise<net.Socket>((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => {});
  });

describe('shutdown', () => {
  it('closes idle keep-alive connections at once and answers the request in flight', async () => {
    const server = await startServer({ port: 0, logLevel: 'silent', apiKeys: ['sk_test_sd'] });
    const agent = new http.Agent({ keepAlive: true });
    const idle = await new Promise<number>((resolve, reject) =>
      http.get(`${server.url}/organizations`, { agent, headers: { authorization: 'Bearer sk_test_sd' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject),
    );
    expect(idle).toBe(200); // leaves an idle keep-alive socket behind
    // In flight: headers and half the body are in when the shutdown starts.
    const body = JSON.stringify({ name: 'Finishes during shutdown' });
    const socket = await connect(server.port);
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.write(`POST /organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_sd\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const closing = closeWithin(server.app, 5_000);
    setTimeout(() => socket.write(body.slice(5)), 100);
    await closing;
    await new Promise((resolve) => (socket.destroyed ? resolve(null) : socket.on('close', resolve)));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(answer).toMatch(/^HTTP\/1.1 201 /);
    agent.destroy();
  });

  it('cuts off clients stalled mid-headers and mid-body at the deadline', async () => {
    const server = await startServer({ port: 0, logLevel: 'silent', apiKeys: ['sk_test_sd'] });
    const midHeaders = await connect(server.port);
    midHeaders.write('GET /organizations HTTP/1.1\r\nHost: x\r\n');
    const midBody = await connect(server.port);
    midBody.write('POST /organizations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_test_sd\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"na');
    const closed = (s: net.Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.on('close', () => resolve())));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await closeWithin(server.app, 500);
    const took = Date.now() - started;
    await Promise.all([closed(midHeaders), closed(midBody)]);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(2_000);
    expect(server.db.open).toBe(false);
  });
});
