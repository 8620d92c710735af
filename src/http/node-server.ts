import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { FastifyServerFactory } from 'fastify';
import type { Duplex } from 'node:stream';
import { writeNodeError, writeSocketError } from './errors.js';
import { REQUEST_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from './limits.js';

/** The options Fastify hands its server factory, filled with its defaults (keep-alive 72 s, …). */
interface ServerOptions {
  http?: object;
  keepAliveTimeout: number;
  connectionTimeout: number;
  maxRequestsPerSocket: number;
}

/** Answers a request itself (the response cache) and says so, or leaves it to Fastify. */
export type FrontHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Fastify's `serverFactory`: the Node server, with what Node would otherwise answer on its own
 * (an empty 400 for a missing Host, an empty 417 for an unknown Expect, a CONNECT left hanging) answered as WorkOS-shaped
 * JSON with a request id, the request timeout checked every second, and an optional `front`
 * handler that sees each request before Fastify.
 */
export function nodeServerFactory(front?: FrontHandler): FastifyServerFactory {
  return ((handler: RequestListener, fastifyOptions: Record<string, unknown>): Server => {
    const options = fastifyOptions as unknown as ServerOptions;
    const server: Server = createServer(
      {
        ...(options.http ?? {}),
        requireHostHeader: false,
        requestTimeout: REQUEST_TIMEOUT_MS,
        headersTimeout: REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      },
      (req, res) => {
        // RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
        if (req.headers.host === undefined && req.httpVersion === '1.1') {
          return writeNodeError(res, 400, 'HTTP/1.1 requests must carry a Host header.', 'invalid_request');
        }
        // Once closing, answers that skip Fastify must end their connection as Fastify's do.
        if (!server.listening) res.setHeader('connection', 'close');
        if (front?.(req, res)) return;
        handler(req, res);
      },
    );
    server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) =>
      writeNodeError(res, 417, `Expectation '${req.headers.expect}' is not supported; only 100-continue is.`, 'expectation_failed'),
    );
    // CONNECT is no route here (there is no proxy): the unknown-route 404 instead of a silent hang.
    server.on('connect', (req: IncomingMessage, socket: Duplex) =>
      writeSocketError(socket, 404, { message: `Cannot CONNECT ${req.url}`, error: 'Not Found', statusCode: 404 }),
    );
    server.keepAliveTimeout = options.keepAliveTimeout;
    server.setTimeout(options.connectionTimeout);
    if (options.maxRequestsPerSocket > 0) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
    return server;
  }) as FastifyServerFactory;
}
