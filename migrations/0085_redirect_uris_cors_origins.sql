-- An environment's redirect URIs and CORS origins (POST /user_management/redirect_uris and
-- /user_management/cors_origins), as the WorkOS dashboard, the CLI's `config` and `seed` set them.

CREATE TABLE redirect_uris (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  uri            TEXT NOT NULL,
  -- spec: "Whether this is the default redirect URI" (here: the environment's first one).
  is_default     INTEGER NOT NULL DEFAULT 0,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX redirect_uris_uri ON redirect_uris (environment_id, uri);

CREATE TABLE cors_origins (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  origin         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX cors_origins_origin ON cors_origins (environment_id, origin);
