-- Authorization (WorkOS RBAC + FGA): organization roles beside the environment roles, permissions,
-- resource types, resources and role assignments on them.

-- A role belongs to the environment ('' here) or to one organization (a custom role, slug `org-…`).
-- Not a foreign key (SQLite cannot add one with a default): a deleted organization's roles stay
-- behind, unreachable, since every read of them names the organization.
ALTER TABLE roles ADD COLUMN organization_id TEXT NOT NULL DEFAULT '';
ALTER TABLE roles ADD COLUMN resource_type_slug TEXT NOT NULL DEFAULT 'organization';
DROP INDEX roles_slug;
CREATE UNIQUE INDEX roles_slug ON roles (environment_id, organization_id, slug);
DROP INDEX roles_priority;
CREATE INDEX roles_priority ON roles (environment_id, organization_id, priority, slug);

CREATE TABLE permissions (
  environment_id     TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id                 TEXT NOT NULL,
  slug               TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT,
  -- spec: system permissions are managed by WorkOS and cannot be deleted (here: seeded ones marked so).
  system             INTEGER NOT NULL DEFAULT 0,
  resource_type_slug TEXT NOT NULL DEFAULT 'organization',
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX permissions_slug ON permissions (environment_id, slug);
CREATE INDEX permissions_created ON permissions (environment_id, created_at, id);

-- Roles stored before this migration named permissions that had no rows: they get one each.
INSERT INTO permissions (environment_id, id, slug, name, description, system, resource_type_slug, created_at, updated_at)
SELECT r.environment_id, 'perm_0' || substr(upper(hex(randomblob(13))), 1, 25), p.value, p.value, NULL, 0, 'organization',
       min(r.created_at), min(r.created_at)
FROM roles r, json_each(r.permissions) p
GROUP BY r.environment_id, p.value;

-- Resource types are configured in the WorkOS dashboard; here by a seed, or on first use.
CREATE TABLE resource_types (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  slug           TEXT NOT NULL,
  name           TEXT NOT NULL,
  -- The one type a resource of this type may have as parent; NULL: any.
  parent_slug    TEXT,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, slug)
) WITHOUT ROWID;

-- Every organization is also a resource (type `organization`, external id = the organization id):
-- it has no row here; its id is derived from the organization's (see resources/org-resource.ts).
-- A top-level resource has parent_resource_id NULL here and the organization resource as parent.
CREATE TABLE authorization_resources (
  environment_id     TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id                 TEXT NOT NULL,
  organization_id    TEXT NOT NULL,
  resource_type_slug TEXT NOT NULL,
  external_id        TEXT NOT NULL,
  name               TEXT NOT NULL,
  description        TEXT,
  parent_resource_id TEXT,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, organization_id) REFERENCES organizations (environment_id, id) ON DELETE CASCADE
);
-- spec: the external id is unique within the organization and resource type.
CREATE UNIQUE INDEX authorization_resources_external ON authorization_resources (environment_id, organization_id, resource_type_slug, external_id);
CREATE INDEX authorization_resources_created ON authorization_resources (environment_id, created_at, id);
CREATE INDEX authorization_resources_org ON authorization_resources (environment_id, organization_id, created_at, id);
CREATE INDEX authorization_resources_parent ON authorization_resources (environment_id, parent_resource_id, created_at, id);

-- A role given to a membership on a resource (an organization resource id included).
CREATE TABLE role_assignments (
  environment_id             TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id                         TEXT NOT NULL,
  organization_membership_id TEXT NOT NULL,
  role_slug                  TEXT NOT NULL,
  resource_id                TEXT NOT NULL,
  created_at                 TEXT NOT NULL,
  updated_at                 TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, organization_membership_id) REFERENCES organization_memberships (environment_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX role_assignments_unique ON role_assignments (environment_id, organization_membership_id, resource_id, role_slug);
CREATE INDEX role_assignments_membership ON role_assignments (environment_id, organization_membership_id, created_at, id);
CREATE INDEX role_assignments_resource ON role_assignments (environment_id, resource_id, role_slug);
