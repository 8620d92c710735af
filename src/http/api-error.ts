// The error class alone, without the handler: the client entry (src/client.ts) throws it too, and
// must not load what the handler needs.

export type ErrorBody = { message: string } & Record<string, unknown>;

// `flagstand/client` ships as bundles with a copy of this class of their own: a brand keeps
// `err instanceof ApiError` true whichever copy threw and whichever the caller imported.
const BRAND = Symbol.for('flagstand.ApiError');

/** The only error type routes and services throw; the handler in errors.ts renders it as is. */
export class ApiError extends Error {
  readonly [BRAND] = true;

  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
