// What the admin API takes to create and change flags; types only, so the package's public
// types can name them without pulling in the server's internals.

/** A flag as the admin API creates it (WorkOS creates flags only in its dashboard). */
export interface NewFlag {
  slug: string;
  name?: string;
  description?: string | null;
  owner?: FlagOwnerInput | null;
  tags?: string[];
  enabled?: boolean;
  default_value?: boolean;
}
export type FlagChanges = Partial<Omit<NewFlag, 'slug'>>;
export interface FlagOwnerInput {
  email: string;
  first_name?: string | null;
  last_name?: string | null;
}
