-- Flags get ordered rules (WorkOS's model since the rules API): a rule serves `value` to the
-- targets of its `target_type` that are members of it; the first matching rule by `position`
-- wins, none matching serves the flag's default. Classic targets become memberships of the
-- flag's (type, enabled) rule, so every target keeps its meaning:
--   user targets decide before organization targets, as they did (user rules come first);
--   `enabled = 0` targets (explicit off) are members of a (type, false) rule.

CREATE TABLE flag_rules (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  flag_id        TEXT NOT NULL,
  -- Ascending evaluation order; integers >= 0, not necessarily dense.
  position       INTEGER NOT NULL,
  -- user, organization, or a custom type slug (matched exactly, never resolved).
  target_type    TEXT NOT NULL,
  value          INTEGER NOT NULL CHECK (value IN (0, 1)),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, flag_id) REFERENCES feature_flags (environment_id, id) ON DELETE CASCADE
);
-- A flag's rules in evaluation order, and the one rule per (type, value) a flag may have.
CREATE INDEX flag_rules_flag ON flag_rules (environment_id, flag_id, position, id);
CREATE UNIQUE INDEX flag_rules_kind ON flag_rules (environment_id, flag_id, target_type, value);

-- Rule ids are `flag_rule_` + a ULID (first character 0 keeps it in range; hex is valid base32).
INSERT INTO flag_rules (environment_id, id, flag_id, position, target_type, value, created_at, updated_at)
SELECT environment_id, 'flag_rule_0' || substr(upper(hex(randomblob(13))), 1, 25), flag_id,
       ROW_NUMBER() OVER (PARTITION BY environment_id, flag_id
                          ORDER BY resource_type = 'organization', enabled DESC) - 1,
       resource_type, enabled, created_at, created_at
FROM (SELECT environment_id, flag_id, resource_type, enabled, min(created_at) AS created_at
      FROM flag_targets GROUP BY environment_id, flag_id, resource_type, enabled);

-- Memberships: one target in at most one rule of a flag (the key). `id` is the flag_target_…
-- id the rules API shows; the rule supplies type and value (target_type is kept in the row
-- for the key and for evaluation reads that never visit flag_rules' rows).
CREATE TABLE flag_targets_next (
  environment_id TEXT NOT NULL,
  flag_id        TEXT NOT NULL,
  target_type    TEXT NOT NULL,
  target_id      TEXT NOT NULL,
  id             TEXT NOT NULL,
  rule_id        TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, flag_id, target_type, target_id),
  FOREIGN KEY (environment_id, rule_id) REFERENCES flag_rules (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

INSERT INTO flag_targets_next (environment_id, flag_id, target_type, target_id, id, rule_id, created_at, updated_at)
SELECT t.environment_id, t.flag_id, t.resource_type, t.resource_id,
       'flag_target_0' || substr(upper(hex(randomblob(13))), 1, 25), r.id, t.created_at, t.created_at
FROM flag_targets t
JOIN flag_rules r ON r.environment_id = t.environment_id AND r.flag_id = t.flag_id
  AND r.target_type = t.resource_type AND r.value = t.enabled;

DROP TABLE flag_targets;
ALTER TABLE flag_targets_next RENAME TO flag_targets;

-- A subject's memberships, for evaluation (index-only) and for cleanup when it is deleted.
CREATE INDEX flag_targets_subject ON flag_targets (target_id, environment_id, flag_id, target_type, rule_id);
-- A membership by its id (the rules API's GET and DELETE).
CREATE UNIQUE INDEX flag_targets_id ON flag_targets (environment_id, id);
-- Lists: by rule (also the cascade of a rule's delete), by flag, and all, in creation order.
CREATE INDEX flag_targets_rule ON flag_targets (environment_id, rule_id, created_at, id);
CREATE INDEX flag_targets_flag ON flag_targets (environment_id, flag_id, created_at, id);
CREATE INDEX flag_targets_created ON flag_targets (environment_id, created_at, id);
