import type { Db } from '../../db/open.js';

/** The implicit root type: every organization is a resource of it. */
export const ORGANIZATION_TYPE = 'organization';

export interface ResourceType {
  slug: string;
  name: string;
  /** The one type a parent of this type's resources must have; null: any. */
  parent_slug: string | null;
  created_at: string;
}

/**
 * Resource types: configured in the WorkOS dashboard, here declared by a seed or on first use
 * (a slug a write names that no seed declared becomes a type with no parent constraint).
 */
export function createResourceTypeStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO resource_types (environment_id, slug, name, parent_slug, created_at)
     VALUES (@environment_id, @slug, @name, @parent_slug, @created_at) ON CONFLICT DO NOTHING`,
  );
  const bySlug = db.prepare<[string, string], ResourceType>(
    'SELECT slug, name, parent_slug, created_at FROM resource_types WHERE environment_id = ? AND slug = ?',
  );
  return {
    insert(environmentId: string, type: ResourceType): void {
      insert.run({ environment_id: environmentId, ...type });
    },
    bySlug: (environmentId: string, slug: string) => bySlug.get(environmentId, slug),
    /** The type of a slug, declared now if it is new. */
    ensure(environmentId: string, slug: string, now: string): ResourceType {
      const found = bySlug.get(environmentId, slug);
      if (found) return found;
      const type = { slug, name: slug, parent_slug: null, created_at: now };
      insert.run({ environment_id: environmentId, ...type });
      return type;
    },
  };
}

export type ResourceTypeStore = ReturnType<typeof createResourceTypeStore>;
