-- Each user or organization target carries its label: the user's email or the organization's
-- name, as flag.rule_updated's configured_targets lists it. The first event of a flag with ~1,000
-- targets looked each label up in users or organizations (~2 µs a seek: 60% of that read), and a
-- flag's kept list had to be dropped whenever any user or organization was written. Now the list
-- is read from flag_targets_rule alone and depends on the flag's targets only; the triggers below
-- keep each label equal to its target's current email or name (a target always names an existing
-- user or organization, and leaves with it). Other target types have none (NULL).
ALTER TABLE flag_targets ADD COLUMN label TEXT;

UPDATE flag_targets SET label = (
  SELECT u.email FROM users u WHERE u.environment_id = flag_targets.environment_id AND u.id = flag_targets.target_id
) WHERE target_type = 'user';

UPDATE flag_targets SET label = (
  SELECT o.name FROM organizations o WHERE o.environment_id = flag_targets.environment_id AND o.id = flag_targets.target_id
) WHERE target_type = 'organization';

-- The label in the index the list walks, so the walk reads no row.
DROP INDEX flag_targets_rule;
CREATE INDEX flag_targets_rule ON flag_targets (environment_id, rule_id, created_at, id, label);

-- Its only reader was that lookup: one B-tree fewer per user written and per seed load.
DROP INDEX users_email_by_id;

CREATE TRIGGER flag_target_labels_email AFTER UPDATE OF email ON users WHEN NEW.email IS NOT OLD.email
BEGIN
  UPDATE flag_targets SET label = NEW.email
   WHERE environment_id = NEW.environment_id AND target_id = NEW.id AND target_type = 'user';
END;

CREATE TRIGGER flag_target_labels_name AFTER UPDATE OF name ON organizations WHEN NEW.name IS NOT OLD.name
BEGIN
  UPDATE flag_targets SET label = NEW.name
   WHERE environment_id = NEW.environment_id AND target_id = NEW.id AND target_type = 'organization';
END;
