import type { SeedEnvironment } from '../../seed/schema.js';

// Types only, so the package's public types can name them without the server's internals.

/** A new environment: the lists of one seed environment, or a copy of another's start-up state. */
export interface NewEnvironment extends SeedEnvironment {
  /** Id or name of an environment whose baseline (its state after start-up or creation) is copied. */
  from_environment?: string;
}
