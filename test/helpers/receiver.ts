import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  headers: http.IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
}

/** What the receiver answers the nth (0-based) request: a status, or 'hang' (never answers). */
export type Responder = (n: number) => number | 'hang';

/** A webhook receiver on loopback for tests: records every POST, answers as told. */
export async function startReceiver(port = 0) {
  const received: Received[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  let respond: Responder = () => 200;
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const n = received.length;
      received.push({ headers: req.headers, body });
      for (const w of waiters.filter((w) => received.length >= w.count)) w.resolve();
      const answer = respond(n);
      if (answer !== 'hang') res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/webhooks`,
    port: address.port,
    received,
    respondWith(fn: Responder) {
      respond = fn;
    },
    /** Resolves once `count` requests have arrived in all; rejects after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 10_000): Promise<Received[]> {
      if (received.length >= count) return Promise.resolve(received);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver: ${received.length} of ${count} requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(received)) });
      });
    },
    close(): Promise<void> {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
