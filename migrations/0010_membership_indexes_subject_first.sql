-- The memberships' indexes by organization, by user, and their pair lead with the organization
-- or user id instead of the environment id, as flag_targets_subject does since 0009: reads give
-- both as equalities, and a big seed's index builds sort on the column that tells entries apart.
DROP INDEX organization_memberships_org;
CREATE INDEX organization_memberships_org ON organization_memberships (organization_id, environment_id, created_at, id);
DROP INDEX organization_memberships_user_created;
CREATE INDEX organization_memberships_user_created ON organization_memberships (user_id, environment_id, created_at, id);
DROP INDEX organization_memberships_pair;
CREATE UNIQUE INDEX organization_memberships_pair ON organization_memberships (user_id, environment_id, organization_id);
