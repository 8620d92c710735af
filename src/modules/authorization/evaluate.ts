/** A role held on a resource: an assignment, or a membership's own role on its organization's resource. */
export interface Grant {
  role_slug: string;
  resource_id: string;
}

/** What a check knows about one membership and one resource. */
export interface AccessFacts {
  /** Only an active membership holds permissions. */
  active: boolean;
  /** The resource, then its ancestors nearest first, ending with the organization's resource. */
  chain: readonly string[];
  grants: readonly Grant[];
  /** The permissions of a role the membership's organization knows by that slug; undefined if none. */
  permissionsOf(roleSlug: string): readonly string[] | undefined;
}

/**
 * docs (FGA access checks): the membership has the permission on the resource when a role it holds
 * on the resource or on any ancestor, organization included, grants it. Roles flow down, never up.
 */
export function isAuthorized(facts: AccessFacts, permissionSlug: string): boolean {
  if (!facts.active) return false;
  const onPath = new Set(facts.chain);
  return facts.grants.some((g) => onPath.has(g.resource_id) && (facts.permissionsOf(g.role_slug)?.includes(permissionSlug) ?? false));
}

/** Every permission the membership holds on the resource (directly or inherited), without repeats. */
export function effectivePermissions(facts: AccessFacts): string[] {
  if (!facts.active) return [];
  const onPath = new Set(facts.chain);
  const out = new Set<string>();
  for (const g of facts.grants) if (onPath.has(g.resource_id)) for (const p of facts.permissionsOf(g.role_slug) ?? []) out.add(p);
  return [...out];
}
