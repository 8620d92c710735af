-- Roles of an environment (WorkOS "environment roles"): every environment gets `admin` and
-- `member` when it is created; a membership's role_slug must name one of them.

CREATE TABLE roles (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  slug           TEXT NOT NULL,
  name           TEXT NOT NULL,
  description    TEXT,
  permissions    TEXT NOT NULL DEFAULT '[]',
  -- Lower comes first: the spec lists an organization's roles "in priority order".
  priority       INTEGER NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX roles_slug ON roles (environment_id, slug);
CREATE INDEX roles_priority ON roles (environment_id, priority, slug);

-- Environments created before this migration get the two default roles. The id is a valid
-- prefix + ULID string (first character 0 keeps it in the ULID range); it is never used as a cursor.
INSERT INTO roles (environment_id, id, slug, name, description, permissions, priority, created_at, updated_at)
SELECT e.id, 'role_0' || substr(upper(hex(randomblob(13))), 1, 25), r.slug, r.name, r.description, '[]', r.priority,
       e.created_at, e.created_at
FROM environments e
CROSS JOIN (
  SELECT 'admin' AS slug, 'Admin' AS name, NULL AS description, 0 AS priority
  UNION ALL
  SELECT 'member', 'Member', NULL, 1
) r;

