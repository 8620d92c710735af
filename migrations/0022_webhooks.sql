-- Webhook endpoints and their deliveries. A delivery row is written by the transaction that
-- records its event (the outbox), so a committed event is never without its deliveries; the
-- delivery worker sends it after commit and records each attempt here. `next_attempt_at` is the
-- environment's clock time of the next attempt (what the admin API shows); `due_ms` is the
-- server's real time the worker sends it at (null once delivered or given up).
CREATE TABLE webhook_endpoints (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  endpoint_url   TEXT NOT NULL,
  secret         TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('enabled', 'disabled')),
  events         TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX webhook_endpoints_url ON webhook_endpoints (environment_id, endpoint_url);
CREATE INDEX webhook_endpoints_created ON webhook_endpoints (environment_id, created_at, id);

CREATE TABLE webhook_deliveries (
  environment_id  TEXT NOT NULL,
  id              TEXT NOT NULL,
  endpoint_id     TEXT NOT NULL,
  event_id        TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_status     INTEGER,
  next_attempt_at TEXT,
  due_ms          INTEGER,
  delivered_at    TEXT,
  PRIMARY KEY (environment_id, id)
) WITHOUT ROWID;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (due_ms) WHERE due_ms IS NOT NULL;
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (environment_id, endpoint_id, id);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (environment_id, event_id, id);
