-- A user target can carry the time it is removed (LaunchDarkly's expiring user targets): on the
-- target's own row, so removing the target by any route drops its schedule with it.
-- expiry_version grows on every change of the schedule (LaunchDarkly's `_version`).
ALTER TABLE flag_targets ADD COLUMN expires_at TEXT;
ALTER TABLE flag_targets ADD COLUMN expiry_version INTEGER NOT NULL DEFAULT 0;
-- Only scheduled targets are in it: the sweeper's "earliest" and "due" reads stay tiny.
CREATE INDEX flag_targets_expiring ON flag_targets (environment_id, expires_at) WHERE expires_at IS NOT NULL;
