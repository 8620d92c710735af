-- A subject's targets (a user's, and its organizations') are read on every flag evaluation:
-- with flag_id and enabled in the index, that read never visits the table. It replaces
-- flag_targets_resource, whose columns it starts with (deleting a resource's targets uses it too).
CREATE INDEX flag_targets_subject ON flag_targets (environment_id, resource_id, flag_id, enabled);
DROP INDEX flag_targets_resource;
