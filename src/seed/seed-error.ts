/** A seed that cannot be loaded; the message names the entry and the reason, `field` its path (`feature_flags.0.slug`). */
export class SeedError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
