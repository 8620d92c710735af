-- Every stored row belongs to an environment; ids are unique per environment so that two
-- environments seeded from the same file (pinned ids) never collide.

CREATE TABLE environments (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);

CREATE TABLE environment_api_keys (
  key            TEXT PRIMARY KEY,
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE
);
CREATE INDEX environment_api_keys_env ON environment_api_keys (environment_id);

CREATE TABLE organizations (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  name           TEXT NOT NULL,
  external_id    TEXT,
  metadata       TEXT NOT NULL DEFAULT '{}',
  allow_profiles_outside_organization INTEGER NOT NULL DEFAULT 0,
  stripe_customer_id TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX organizations_external_id ON organizations (environment_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX organizations_created ON organizations (environment_id, created_at, id);

CREATE TABLE organization_domains (
  environment_id  TEXT NOT NULL,
  id              TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  domain          TEXT NOT NULL,
  state           TEXT NOT NULL,
  verification_strategy TEXT NOT NULL DEFAULT 'dns',
  verification_token    TEXT,
  verification_prefix   TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, organization_id) REFERENCES organizations (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX organization_domains_org ON organization_domains (environment_id, organization_id, created_at);
CREATE INDEX organization_domains_domain ON organization_domains (environment_id, domain);

CREATE TABLE users (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  email          TEXT NOT NULL,
  first_name     TEXT,
  last_name      TEXT,
  email_verified INTEGER NOT NULL DEFAULT 0,
  profile_picture_url TEXT,
  external_id    TEXT,
  metadata       TEXT NOT NULL DEFAULT '{}',
  last_sign_in_at TEXT,
  locale         TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX users_email ON users (environment_id, email);
CREATE UNIQUE INDEX users_external_id ON users (environment_id, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX users_created ON users (environment_id, created_at, id);

CREATE TABLE organization_memberships (
  environment_id  TEXT NOT NULL,
  id              TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('active', 'inactive', 'pending')),
  role_slug       TEXT NOT NULL DEFAULT 'member',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE,
  FOREIGN KEY (environment_id, organization_id) REFERENCES organizations (environment_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX organization_memberships_pair ON organization_memberships (environment_id, user_id, organization_id);
CREATE INDEX organization_memberships_org ON organization_memberships (environment_id, organization_id, created_at, id);
CREATE INDEX organization_memberships_user_created ON organization_memberships (environment_id, user_id, created_at, id);

CREATE TABLE feature_flags (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  slug           TEXT NOT NULL,
  name           TEXT NOT NULL,
  description    TEXT,
  owner          TEXT,             -- JSON object or NULL
  tags           TEXT NOT NULL DEFAULT '[]',
  enabled        INTEGER NOT NULL DEFAULT 0,
  default_value  INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX feature_flags_slug ON feature_flags (environment_id, slug);
CREATE INDEX feature_flags_created ON feature_flags (environment_id, created_at, id);
-- Evaluation walks only the flags that are on by default, in list order.
CREATE INDEX feature_flags_default_on ON feature_flags (environment_id, enabled, default_value, created_at, id);

CREATE TABLE flag_targets (
  environment_id TEXT NOT NULL,
  flag_id        TEXT NOT NULL,
  resource_id    TEXT NOT NULL,
  resource_type  TEXT NOT NULL CHECK (resource_type IN ('user', 'organization')),
  enabled        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, flag_id, resource_id),
  FOREIGN KEY (environment_id, flag_id) REFERENCES feature_flags (environment_id, id) ON DELETE CASCADE
);
-- A user's or organization's targets, for evaluation and for cleanup when it is deleted.
CREATE INDEX flag_targets_resource ON flag_targets (environment_id, resource_id);
