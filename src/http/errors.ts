import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_CONTENT_TYPE } from './json-text.js';
import { stampRequestId } from './request-id.js';
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
      const code = error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError ? 'invalid_json' : 'invalid_request';
      return send(reply, new ApiError(status, { message: error.message, code }));
    }
    request.log.error({ err: error, requestId: request.id }, 'unhandled error');
    return send(reply, new ApiError(500, { message: 'Internal server error.', code: 'server_error' }));
  });

  // No verb aliases: an unknown method/path pair is a JSON 404, as NestJS answers in production.
  app.setNotFoundHandler((request, reply) => {
    stampRequestId(request, reply);
    return send(reply, new ApiError(404, { message: `Cannot ${request.method} ${request.url.split('?')[0]}`, error: 'Not Found', statusCode: 404 }));
  });
}

/**
 * Fastify's `frameworkErrors` option: a malformed URL (bad percent-encoding) fails before routing
 * and before any hook runs, so it gets its request id and WorkOS-shaped JSON here.
 */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  stampRequestId(request, reply);
  void send(reply, new ApiError(error.statusCode ?? 400, { message: error.message, code: 'invalid_request' }));
}
