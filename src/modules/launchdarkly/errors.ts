import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../http/errors.js';
import { stampRequestId } from '../../http/request-id.js';

// LaunchDarkly's errors are `{code, message}` (its API docs list these codes). They are ApiErrors,
// so src/http/errors.ts still renders every response; only this module's routes make them.

export const invalidRequest = (message: string) => new ApiError(400, { code: 'invalid_request', message });
export const unauthorized = () => new ApiError(401, { code: 'unauthorized', message: 'Invalid access token' });
export const notFound = () => new ApiError(404, { code: 'not_found', message: 'Invalid resource identifier' });
export const unsupportedMediaType = (message: string) => new ApiError(415, { code: 'unsupported_media_type', message });

const isLaunchDarklyShaped = (err: ApiError) => Object.keys(err.body).sort().join() === 'code,message';

/** A validation message as LaunchDarkly words them: the field, then what is wrong with it. */
function validationMessage(error: FastifyError): string {
  const [issue] = error.validation ?? [];
  if (!issue) return error.message;
  const field = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = (issue.params as { missingProperty?: string }).missingProperty;
  if (missing) return `${[field, missing].filter(Boolean).join('.')} is required`;
  return `${field || 'body'} ${issue.message ?? 'is invalid'}`;
}

/**
 * Within the LaunchDarkly routes, every error becomes LaunchDarkly's shape and is thrown on to the
 * app's one error handler, which renders ApiErrors as they are. The WorkOS routes never see this.
 */
export function registerLaunchDarklyErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, _request: FastifyRequest, _reply: FastifyReply) => {
    if (error instanceof ApiError) {
      if (isLaunchDarklyShaped(error)) throw error;
      // From the flag service (WorkOS-shaped): its 404s are LaunchDarkly's, anything else is bad input.
      throw error.status === 404 ? notFound() : new ApiError(error.status, { code: 'invalid_request', message: error.message });
    }
    if (error.validation) throw invalidRequest(validationMessage(error));
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') throw unsupportedMediaType(error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) throw new ApiError(status, { code: 'invalid_request', message: error.message });
    throw error;
  });

  // An unknown path under the prefix is LaunchDarkly's 404 too.
  app.setNotFoundHandler((request, reply) => {
    stampRequestId(request, reply);
    throw notFound();
  });
}
