import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-text.js';
import { genRequestId, stampRequestId } from './request-id.js';
import { ApiError, type ErrorBody } from './api-error.js';

export { ApiError, type ErrorBody };

/** One field-level problem, as workos-node's UnprocessableEntityException and BadRequestException read it. */
export interface FieldError {
  field: string;
  code: string;
  message?: string;
}


export type ValidationStatus = 400 | 422;

// WorkOS 404s name the entity and echo the id: `Organization not found: 'org_…'.`
export function notFound(entity: string, id: string): ApiError {
  return new ApiError(404, { message: `${entity} not found: '${id}'.`, code: 'entity_not_found', entity_id: id });
}

export function invalidParameters(errors: FieldError[], status: ValidationStatus = 400): ApiError {
  const message = errors.length ? `Validation failed: ${errors.map(describe).join('; ')}.` : 'Validation failed.';
  return new ApiError(status, { code: 'invalid_request_parameters', message, errors });
}

export function badRequest(message: string, code: string, extra: Record<string, unknown> = {}): ApiError {
  return new ApiError(400, { message, code, ...extra });
}

export function unprocessable(message: string, code: string, errors?: FieldError[]): ApiError {
  return new ApiError(422, errors ? { message, code, errors } : { message, code });
}

export function conflict(message: string, code: string, errors?: FieldError[]): ApiError {
  return new ApiError(409, errors ? { message, code, errors } : { message, code });
}

export function unauthorized(message = 'Unauthorized: a valid API key is required as `Authorization: Bearer sk_…`.'): ApiError {
  return new ApiError(401, { message, code: 'unauthorized' });
}

function describe(e: FieldError): string {
  return e.message ? `${e.field} ${e.message}` : `${e.field} (${e.code})`;
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Maps AJV issues to WorkOS field errors: the field as a dotted path, the code from the failed keyword. */
export function fieldErrorsFromAjv(issues: AjvIssue[]): FieldError[] {
  return issues.map((issue) => {
    const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const missing = issue.params.missingProperty as string | undefined;
    const extra = issue.params.additionalProperty as string | undefined;
    const field = [path, missing ?? extra].filter(Boolean).join('.') || 'body';
    const code = missing ? `${field}_required` : `${field}_${KEYWORD_CODES[issue.keyword] ?? 'invalid'}`;
    const message = missing ? 'is required' : extra ? 'is not a known field' : issue.message;
    return { field, code: code.replace(/\./g, '_'), message };
  });
}

const KEYWORD_CODES: Record<string, string> = {
  type: 'invalid_type',
  minimum: 'too_small',
  maximum: 'too_large',
  minLength: 'too_short',
  maxLength: 'too_long',
  minItems: 'too_few',
  maxItems: 'too_many',
  maxProperties: 'too_many',
  propertyNames: 'invalid_key',
  enum: 'invalid',
  const: 'invalid',
  pattern: 'invalid_format',
  format: 'invalid_format',
  additionalProperties: 'unknown',
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Status for schema-validation failures of the body (default 422) and query (default 400). */
    bodyValidationStatus?: ValidationStatus;
    queryValidationStatus?: ValidationStatus;
  }
}

function send(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.status(err.status).type(JSON_CONTENT_TYPE).send(err.body);
}

/** The single place errors become responses: every error body is JSON in the WorkOS shape. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // An unknown route's body is not parsed (src/http/json-body.ts), but one past the body limit
    // fails while it is read: that route still answers its 404.
    if (request.is404 && !(error instanceof ApiError)) {
      stampRequestId(request, reply);
      return send(reply, routeNotFound(request));
    }
    if (error instanceof ApiError) return send(reply, error);
    if (error.validation) {
      const config = request.routeOptions.config;
      const inBody = error.validationContext === 'body';
      const status = inBody ? (config.bodyValidationStatus ?? 422) : (config.queryValidationStatus ?? 400);
      return send(reply, invalidParameters(fieldErrorsFromAjv(error.validation as AjvIssue[]), status));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, unsupported content type, body too large.
      return send(reply, new ApiError(status, { message: error.message, code: FRAMEWORK_CODES[error.code] ?? 'invalid_request' }));
    }
    request.log.error({ err: error, requestId: request.id }, 'unhandled error');
    return send(reply, new ApiError(500, { message: 'Internal server error.', code: 'server_error' }));
  });

  // No verb aliases: an unknown method/path pair is a JSON 404, as NestJS answers in production.
  app.setNotFoundHandler((request, reply) => {
    stampRequestId(request, reply);
    return send(reply, routeNotFound(request));
  });
}

const routeNotFound = (request: FastifyRequest) =>
  new ApiError(404, { message: `Cannot ${request.method} ${request.url.split('?')[0]}`, error: 'Not Found', statusCode: 404 });

const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'request_body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_request',
};

/** An error Node's HTTP layer answers before Fastify sees the request, in the same JSON shape. */
export function writeNodeError(res: ServerResponse, status: number, message: string, code: string): void {
  const body = JSON.stringify({ message, code });
  res.writeHead(status, {
    'x-request-id': genRequestId(),
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
}

// What the parser's errors (a request Node could not even read) become: status, message, code.
const CLIENT_ERRORS: Record<string, [number, string, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time.', 'request_timeout'],
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large.', 'request_headers_too_large'],
};

/**
 * Fastify's `clientErrorHandler`: a request too malformed to parse, or too slow to arrive, is
 * answered on the bare socket (there is no request object) with a JSON body and a request id.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message, code] = CLIENT_ERRORS[err.code ?? ''] ?? [400, 'The request is not valid HTTP.', 'invalid_request'];
  writeSocketError(socket, status, { message, code });
}

/** An answer written on the bare socket, then closed: for what Node hands over without a response object. */
export function writeSocketError(socket: Duplex, status: number, error: ErrorBody): void {
  const body = JSON.stringify(error);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-ID: ${genRequestId()}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Fastify's `frameworkErrors` option: a malformed URL (bad percent-encoding) fails before routing
 * and before any hook runs, so it gets its request id and WorkOS-shaped JSON here.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  stampRequestId(request, reply);
  void send(reply, new ApiError(error.statusCode ?? 400, { message: error.message, code: 'invalid_request' }));
}
