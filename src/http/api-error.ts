// The error class alone, without the handler: the client entry (src/client.ts) throws it too, and
// must not load what the handler needs.

export type ErrorBody = { message: string } & Record<string, unknown>;

/** The only error type routes and services throw; the handler in errors.ts renders it as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }
}
