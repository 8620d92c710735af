import { isId, newId } from '../ids.js';
import { organizationResourceId } from '../modules/resources/org-resource.js';
import { ORGANIZATION_TYPE } from '../modules/resources/type-store.js';
import type { Stores } from '../stores.js';
import type { SeedEnvironment, SeedResource } from './schema.js';

type Fail = (entry: string, why: string) => never;

const iso = (value: string | undefined, fallback: string) => (value === undefined ? fallback : new Date(value).toISOString());

/** The key of a resource by external id within its organization. */
const externalKey = (org: string, type: string, external: string) => `${org}\n${type}\n${external}`;

/** A seeded resource's parent, as a key of the resources before it ('' for the organization). */
function parentKey(r: SeedResource): { id?: string; external?: string } {
  if (r.parent_resource_id !== undefined) return { id: r.parent_resource_id };
  if (r.parent_resource_external_id !== undefined || r.parent_resource_type_slug !== undefined) {
    return { external: externalKey(r.organization_id, r.parent_resource_type_slug ?? '', r.parent_resource_external_id ?? '') };
  }
  return {};
}

/**
 * Checks the authorization entries of a seed (ids, duplicates, references) so a bad one fails
 * naming the entry. `orgIds` and `memberships` are the seed's pinned organizations and memberships.
 */
export function checkAuthorizationSeed(env: SeedEnvironment, fail: Fail, orgIds: Set<string>, memberships: Map<string, string>): void {
  const permissionSlugs = new Set<string>();
  env.permissions?.forEach((p, i) => {
    if (p.id !== undefined && !isId('permission', p.id)) fail(`permissions[${i}].id`, `'${p.id}' is not a valid permission id (perm_ + ULID)`);
    if (permissionSlugs.has(p.slug)) fail(`permissions[${i}].slug`, `duplicate slug '${p.slug}'`);
    permissionSlugs.add(p.slug);
  });
  const types = new Set<string>([ORGANIZATION_TYPE]);
  env.resource_types?.forEach((t, i) => {
    if (types.has(t.slug)) fail(`resource_types[${i}].slug`, t.slug === ORGANIZATION_TYPE ? "'organization' is the implicit root type" : `duplicate slug '${t.slug}'`);
    types.add(t.slug);
  });
  env.resource_types?.forEach((t, i) => {
    if (t.parent !== undefined && !types.has(t.parent)) fail(`resource_types[${i}].parent`, `'${t.parent}' is not a resource type of this seed`);
  });

  const orgRoles = new Map<string, Set<string>>();
  env.roles?.forEach((r, i) => {
    if (r.organization_id === undefined) return;
    if (!orgIds.has(r.organization_id)) fail(`roles[${i}].organization_id`, `'${r.organization_id}' is not an organization of this seed`);
    if (!/^org-[a-z0-9_-]+$/.test(r.slug)) fail(`roles[${i}].slug`, "an organization role's slug begins with 'org-'");
    const set = orgRoles.get(r.organization_id) ?? new Set<string>();
    set.add(r.slug);
    orgRoles.set(r.organization_id, set);
  });
  const envRoles = new Set(['admin', 'member', ...(env.roles ?? []).filter((r) => r.organization_id === undefined).map((r) => r.slug)]);

  const orgResourceIds = new Set([...orgIds].map(organizationResourceId));
  const ids = new Set<string>();
  const externals = new Map<string, string>();
  const orgOf = new Map<string, string>();
  env.resources?.forEach((r, i) => {
    const entry = `resources[${i}]`;
    if (!orgIds.has(r.organization_id)) fail(`${entry}.organization_id`, `'${r.organization_id}' is not an organization of this seed`);
    if (r.resource_type_slug === ORGANIZATION_TYPE) fail(`${entry}.resource_type_slug`, 'organization resources exist for every organization');
    if (r.id !== undefined) {
      if (!isId('resource', r.id)) fail(`${entry}.id`, `'${r.id}' is not a valid resource id (authz_resource_ + ULID)`);
      if (ids.has(r.id)) fail(`${entry}.id`, `duplicate id '${r.id}'`);
      // An organization's resource id carries the organization's ULID.
      if (orgResourceIds.has(r.id)) fail(`${entry}.id`, `'${r.id}' is the id of an organization's own resource`);
    }
    const key = externalKey(r.organization_id, r.resource_type_slug, r.external_id);
    if (externals.has(key)) fail(`${entry}.external_id`, `duplicate '${r.resource_type_slug}' external id '${r.external_id}' in ${r.organization_id}`);
    const parent = parentKey(r);
    if (parent.id !== undefined && parent.id !== organizationResourceId(r.organization_id) && orgOf.get(parent.id) !== r.organization_id) {
      fail(`${entry}.parent_resource_id`, `'${parent.id}' is not a resource of ${r.organization_id} listed before this one`);
    }
    if (parent.external !== undefined) {
      const isOrg = r.parent_resource_type_slug === ORGANIZATION_TYPE && r.parent_resource_external_id === r.organization_id;
      if (!isOrg && !externals.has(parent.external)) fail(`${entry}.parent_resource_external_id`, 'names no resource listed before this one in the same organization');
    }
    const id = r.id ?? `#${i}`;
    ids.add(id);
    externals.set(key, id);
    orgOf.set(id, r.organization_id);
  });

  const seen = new Set<string>();
  env.role_assignments?.forEach((a, i) => {
    const entry = `role_assignments[${i}]`;
    const org = memberships.get(a.organization_membership_id);
    if (org === undefined) fail(`${entry}.organization_membership_id`, `'${a.organization_membership_id}' is not a membership of this seed (give memberships pinned ids)`);
    if (!envRoles.has(a.role_slug) && !orgRoles.get(org!)?.has(a.role_slug)) fail(`${entry}.role_slug`, `'${a.role_slug}' is not a role of ${org}`);
    let resource: string | undefined;
    if (a.resource_id !== undefined) {
      if (a.resource_id === organizationResourceId(org!) || orgOf.get(a.resource_id) === org) resource = a.resource_id;
    } else if (a.resource_type_slug === ORGANIZATION_TYPE && a.resource_external_id === org) resource = organizationResourceId(org!);
    else resource = externals.get(externalKey(org!, a.resource_type_slug ?? '', a.resource_external_id ?? ''));
    if (resource === undefined) fail(entry, `names no resource of ${org} (resource_id, or resource_external_id + resource_type_slug)`);
    const key = `${a.organization_membership_id}\n${resource}\n${a.role_slug}`;
    if (seen.has(key)) fail(entry, 'duplicate assignment');
    seen.add(key);
  });
}

/** Inserts the authorization entries of a seed (after roles, organizations and memberships). Returns the rows written. */
export function insertAuthorizationSeed(stores: Stores, environmentId: string, env: SeedEnvironment, now: string): number {
  let rows = 0;
  for (const t of env.resource_types ?? []) {
    stores.resourceTypes.insert(environmentId, { slug: t.slug, name: t.name ?? t.slug, parent_slug: t.parent ?? null, created_at: now });
    rows++;
  }
  const ensureType = (slug: string | undefined) => stores.resourceTypes.ensure(environmentId, slug ?? ORGANIZATION_TYPE, now).slug;
  for (const p of env.permissions ?? []) {
    const created_at = iso(p.created_at, now);
    stores.permissions.insert(environmentId, {
      id: p.id ?? newId('permission'),
      slug: p.slug,
      name: p.name ?? p.slug,
      description: p.description ?? null,
      system: p.system ?? false,
      resource_type_slug: ensureType(p.resource_type_slug),
      created_at,
      updated_at: iso(p.updated_at, created_at),
    });
    rows++;
  }
  const priority = new Map<string, number>();
  for (const r of env.roles ?? []) {
    if (r.organization_id === undefined) continue;
    const created_at = iso(r.created_at, now);
    const next = priority.get(r.organization_id) ?? 0;
    priority.set(r.organization_id, next + 1);
    stores.roles.insert(environmentId, {
      id: r.id ?? newId('role'),
      organization_id: r.organization_id,
      slug: r.slug,
      name: r.name ?? r.slug,
      description: r.description ?? null,
      resource_type_slug: ensureType(r.resource_type_slug),
      permissions: r.permissions ?? [],
      priority: next,
      created_at,
      updated_at: iso(r.updated_at, created_at),
    });
  }
  // Every permission a role names exists (declared or not).
  for (const slug of new Set((env.roles ?? []).flatMap((r) => r.permissions ?? []))) {
    if (stores.permissions.bySlug(environmentId, slug)) continue;
    stores.permissions.insert(environmentId, {
      id: newId('permission'),
      slug,
      name: slug,
      description: null,
      system: false,
      resource_type_slug: ORGANIZATION_TYPE,
      created_at: now,
      updated_at: now,
    });
    rows++;
  }

  const byExternal = new Map<string, string>();
  for (const r of env.resources ?? []) {
    const id = r.id ?? newId('resource');
    const created_at = iso(r.created_at, now);
    const parent = parentKey(r);
    const parentId = parent.id ?? (parent.external !== undefined ? byExternal.get(parent.external) : undefined);
    stores.resources.insert(environmentId, {
      id,
      organization_id: r.organization_id,
      resource_type_slug: ensureType(r.resource_type_slug),
      external_id: r.external_id,
      name: r.name ?? r.external_id,
      description: r.description ?? null,
      // A top-level resource (the organization as parent) is stored without one.
      parent_resource_id: parentId === undefined || parentId === organizationResourceId(r.organization_id) ? null : parentId,
      created_at,
      updated_at: iso(r.updated_at, created_at),
    });
    byExternal.set(externalKey(r.organization_id, r.resource_type_slug, r.external_id), id);
    rows++;
  }

  const orgOfMembership = new Map((env.organization_memberships ?? []).filter((m) => m.id).map((m) => [m.id!, m.organization_id]));
  for (const a of env.role_assignments ?? []) {
    const org = orgOfMembership.get(a.organization_membership_id) ?? '';
    const resource =
      a.resource_id ??
      (a.resource_type_slug === ORGANIZATION_TYPE ? organizationResourceId(org) : byExternal.get(externalKey(org, a.resource_type_slug ?? '', a.resource_external_id ?? '')));
    const created_at = iso(a.created_at, now);
    stores.roleAssignments.insert(environmentId, {
      id: a.id ?? newId('roleAssignment'),
      organization_membership_id: a.organization_membership_id,
      role_slug: a.role_slug,
      resource_id: resource ?? '',
      created_at,
      updated_at: created_at,
    });
    rows++;
  }
  return rows;
}
