-- Each environment's test-controlled clock. No row: the environment follows the server's clock.
-- A row: the environment's time stands at `now_ms` (set or advanced through the admin API) until
-- it is moved again. Environment-scoped like every other table, so a snapshot, a reset and a
-- copied environment carry their clock with their rows. `clock` only completes the primary key
-- snapshots need (environment_id plus a key); there is one clock per environment.
CREATE TABLE environment_clocks (
  environment_id TEXT NOT NULL,
  clock          TEXT NOT NULL DEFAULT 'environment',
  now_ms         INTEGER NOT NULL,
  PRIMARY KEY (environment_id, clock)
) WITHOUT ROWID;
