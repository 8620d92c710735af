-- An environment's app homepage URL (PUT /user_management/app_homepage_url, what the WorkOS CLI's
-- `config homepage-url set` and a seed file's `config.homepage_url` send). One row per environment
-- and setting, so snapshots and resets cover it like any environment-scoped table.
CREATE TABLE app_settings (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  value          TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, name)
) WITHOUT ROWID;
