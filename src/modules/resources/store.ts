import { createKeptMap } from '../../db/kept-map.js';
import type { Db } from '../../db/open.js';
import { cursorParams, prepareFilteredKeyset, type PageRequest, type SortKey } from '../../db/keyset.js';

/** A resource as stored; `parent_resource_id` null means a child of its organization's resource. */
export interface Resource {
  id: string;
  organization_id: string;
  resource_type_slug: string;
  external_id: string;
  name: string;
  description: string | null;
  parent_resource_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface ResourceFilter {
  organization_id?: string;
  resource_type_slug?: string;
  external_id?: string;
  /** Children of this stored resource. */
  parent_resource_id?: string;
  /** Top-level resources (children of the organization resource) of this organization. */
  top_of?: string;
  /** Part of the name, any case. */
  search?: string;
}

const COLUMNS = 'id, organization_id, resource_type_slug, external_id, name, description, parent_resource_id, created_at, updated_at';

/** Kept resources and ancestor paths (each map; past it the map starts over, so memory stays bounded). */
const KEPT_ENTRIES = 200_000;

/** Prepared statements for authorization resources. */
export function createResourceStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO authorization_resources (environment_id, ${COLUMNS})
     VALUES (@environment_id, @id, @organization_id, @resource_type_slug, @external_id, @name, @description, @parent_resource_id, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], Resource>(`SELECT ${COLUMNS} FROM authorization_resources WHERE environment_id = ? AND id = ?`);
  const byExternalId = db.prepare<[string, string, string, string], Resource>(
    `SELECT ${COLUMNS} FROM authorization_resources WHERE environment_id = ? AND organization_id = ? AND resource_type_slug = ? AND external_id = ?`,
  );
  const sortKey = db.prepare<[string, string], SortKey>('SELECT created_at, id FROM authorization_resources WHERE environment_id = ? AND id = ?');
  const update = db.prepare(
    `UPDATE authorization_resources SET name = @name, description = @description, parent_resource_id = @parent_resource_id, updated_at = @updated_at
     WHERE environment_id = @environment_id AND id = @id`,
  );
  const parentOf = db.prepare<[string, string], { parent_resource_id: string | null }>(
    'SELECT parent_resource_id FROM authorization_resources WHERE environment_id = ? AND id = ?',
  );
  const childIds = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM authorization_resources WHERE environment_id = ? AND parent_resource_id = ?',
  );
  const hasChildren = db.prepare<[string, string], { one: 1 }>(
    'SELECT 1 AS one FROM authorization_resources WHERE environment_id = ? AND parent_resource_id = ? LIMIT 1',
  );
  const remove = db.prepare('DELETE FROM authorization_resources WHERE environment_id = ? AND id = ?');

  // What every access check reads (the resource named, then its ancestors), kept until a row it
  // was read from is written (scope `resource <id>`, src/db/change-feed.ts): a resource until its
  // own row is; an ancestor path until any row on it is, so moving or deleting a resource drops
  // the paths of all its descendants. Found rows only (an insert of a missing id needs no drop).
  const keptRows = createKeptMap<Resource>(db, { until: 'scopes', entries: KEPT_ENTRIES });
  const keptIds = createKeptMap<string>(db, { until: 'scopes', entries: KEPT_ENTRIES });
  const keptChains = createKeptMap<readonly string[]>(db, { until: 'scopes', entries: KEPT_ENTRIES });
  const keepRow = (environmentId: string, row: Resource | undefined) => {
    if (row) keptRows.set(environmentId, `${environmentId} ${row.id}`, Object.freeze(row), { scopes: [`resource ${row.id}`] });
    return row;
  };
  const chain = (environmentId: string, id: string): readonly string[] => {
    const key = `${environmentId} ${id}`;
    const found = keptChains.get(key);
    if (found) return found;
    const row = parentOf.get(environmentId, id);
    if (!row) return [];
    // A parent is always an existing resource and never a descendant (the service refuses cycles).
    const path = Object.freeze([id, ...(row.parent_resource_id === null ? [] : chain(environmentId, row.parent_resource_id))]);
    keptChains.set(environmentId, key, path, { scopes: path.map((at) => `resource ${at}` as const) });
    return path;
  };

  const list = prepareFilteredKeyset<keyof ResourceFilter>(
    db,
    {
      organization_id: 'organization_id = @organization_id',
      resource_type_slug: 'resource_type_slug = @resource_type_slug',
      external_id: 'external_id = @external_id',
      parent_resource_id: 'parent_resource_id = @parent_resource_id',
      top_of: 'parent_resource_id IS NULL AND organization_id = @top_of',
      search: "instr(lower(name), lower(@search)) > 0",
    },
    (k) => `SELECT ${COLUMNS} FROM authorization_resources WHERE environment_id = @env ${k.filters} AND ${k.where} ORDER BY ${k.orderBy} ${k.limit}`,
  );

  return {
    insert(environmentId: string, resource: Resource): void {
      insert.run({ environment_id: environmentId, ...resource });
    },
    /** The resource (frozen: copy it to change it), or undefined. */
    byId: (environmentId: string, id: string): Resource | undefined =>
      keptRows.get(`${environmentId} ${id}`) ?? keepRow(environmentId, byId.get(environmentId, id)),
    /** The resource (frozen) of that external id and type in the organization, or undefined. */
    byExternalId(environmentId: string, organizationId: string, type: string, externalId: string): Resource | undefined {
      // The id is kept by the resource's own scope: external ids never change, and a resource of them is unique.
      // Lengths first: what a request names may hold spaces, and different parts joined must not read alike.
      const key = `${environmentId} ${organizationId.length} ${organizationId} ${type.length} ${type} ${externalId}`;
      const id = keptIds.get(key);
      const kept = id === undefined ? undefined : keptRows.get(`${environmentId} ${id}`);
      if (kept) return kept;
      const row = byExternalId.get(environmentId, organizationId, type, externalId);
      if (row) keptIds.set(environmentId, key, row.id, { scopes: [`resource ${row.id}`] });
      return keepRow(environmentId, row);
    },
    sortKey: (environmentId: string, id: string) => sortKey.get(environmentId, id),
    list: (environmentId: string, req: PageRequest, filter: ResourceFilter) =>
      list(req, filter).all({ env: environmentId, ...filter, ...cursorParams(req) }) as Resource[],
    /** Writes name, description, parent and updated_at. */
    update(environmentId: string, resource: Resource): void {
      update.run({ environment_id: environmentId, ...resource });
    },
    /** The ids of the resource and its stored ancestors, nearest first (frozen; [] for no stored resource). */
    chain,
    /** The ids of the resource and all its descendants, parents before children. */
    subtree(environmentId: string, id: string): string[] {
      const out = [id];
      for (let i = 0; i < out.length; i++) for (const child of childIds.all(environmentId, out[i])) out.push(child.id);
      return out;
    },
    hasChildren: (environmentId: string, id: string) => hasChildren.get(environmentId, id) !== undefined,
    delete(environmentId: string, id: string): void {
      remove.run(environmentId, id);
    },
  };
}

export type ResourceStore = ReturnType<typeof createResourceStore>;
