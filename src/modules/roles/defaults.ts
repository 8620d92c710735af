/** The role a membership gets when none is given (spec: "Defaults to `member`"). */
export const DEFAULT_ROLE_SLUG = 'member';

/** The roles every environment starts with, highest priority first (as a new WorkOS environment has). */
export const DEFAULT_ROLES: readonly { slug: string; name: string }[] = [
  { slug: 'admin', name: 'Admin' },
  { slug: DEFAULT_ROLE_SLUG, name: 'Member' },
];
