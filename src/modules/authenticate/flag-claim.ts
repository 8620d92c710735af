import type { FlagService } from '../feature-flags/service.js';

/**
 * The access token's `feature_flags`: every slug of the user's REST list
 * (GET /user_management/users/{id}/feature-flags), read page by page, in its order. The one
 * evaluation every reader shares, so the claim and the list cannot disagree.
 */
export function allUserFlagSlugs(flags: FlagService, environmentId: string, userId: string): string[] {
  const slugs: string[] = [];
  let after: string | undefined;
  do {
    const page = flags.listForUser(environmentId, userId, { limit: 100, ...(after && { after }) });
    for (const flag of page.rows) slugs.push(flag.slug);
    after = page.after ?? undefined;
  } while (after);
  return slugs;
}
