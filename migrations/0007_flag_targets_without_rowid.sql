-- flag_targets becomes a WITHOUT ROWID table: rows live in one B-tree ordered by the primary key
-- instead of a rowid table plus a separate primary-key index holding nearly the same bytes. A
-- million targets take about half the pages, load faster, and reads by (flag, resource) find
-- the row itself. Same columns, key, foreign key and index as before; the rows are copied over.

CREATE TABLE flag_targets_next (
  environment_id TEXT NOT NULL,
  flag_id        TEXT NOT NULL,
  resource_id    TEXT NOT NULL,
  resource_type  TEXT NOT NULL CHECK (resource_type IN ('user', 'organization')),
  enabled        INTEGER NOT NULL DEFAULT 1,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, flag_id, resource_id),
  FOREIGN KEY (environment_id, flag_id) REFERENCES feature_flags (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO flag_targets_next (environment_id, flag_id, resource_id, resource_type, enabled, created_at)
SELECT environment_id, flag_id, resource_id, resource_type, enabled, created_at FROM flag_targets;

DROP TABLE flag_targets;
ALTER TABLE flag_targets_next RENAME TO flag_targets;

-- A subject's targets, for evaluation (index-only: every column read is in it) and for cleanup
-- when the subject is deleted.
CREATE INDEX flag_targets_subject ON flag_targets (environment_id, resource_id, flag_id, enabled);
