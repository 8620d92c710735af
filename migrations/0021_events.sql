-- The events outbox: one row per event, written by the same transaction as the change it reports,
-- holding the event object's JSON exactly as GET /events and webhook deliveries send it. Ids are
-- monotonic ULIDs, so id order is commit order: the stream's order whatever the clock says.
CREATE TABLE events (
  environment_id  TEXT NOT NULL,
  id              TEXT NOT NULL,
  event           TEXT NOT NULL,
  organization_id TEXT,
  created_at      TEXT NOT NULL,
  body            TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
) WITHOUT ROWID;
CREATE INDEX events_by_type ON events (environment_id, event, id);
CREATE INDEX events_by_organization ON events (environment_id, organization_id, id) WHERE organization_id IS NOT NULL;
