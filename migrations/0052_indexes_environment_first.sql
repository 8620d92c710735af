-- The subject indexes lead with the environment again (0009 and 0010 had put the user, organization
-- or target id first, which made a big seed's index builds ~10-20% faster). Environments copied
-- from one another share those ids, so with the id first every copy inserted its entries in the
-- middle of every other environment's and a copy got slower with each environment there was
-- (a 10k-row environment: 55 ms beside 5 copies, 230 ms beside 38); with the environment first a
-- copy's entries go to one place of their own and its time stays flat (78 ms beside 38). Reads
-- give both columns as equalities, so they are served the same way.
DROP INDEX organization_memberships_org;
CREATE INDEX organization_memberships_org ON organization_memberships (environment_id, organization_id, created_at, id);
DROP INDEX organization_memberships_user_created;
CREATE INDEX organization_memberships_user_created ON organization_memberships (environment_id, user_id, created_at, id);
DROP INDEX organization_memberships_pair;
CREATE UNIQUE INDEX organization_memberships_pair ON organization_memberships (environment_id, user_id, organization_id);
DROP INDEX flag_targets_subject;
CREATE INDEX flag_targets_subject ON flag_targets (environment_id, target_id, flag_id, target_type, rule_id);
