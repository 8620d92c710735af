-- A flag's memberships are read through the primary key (environment_id, flag_id, …) and sorted:
-- a flag has at most a few thousand, and its configured targets and the rules API's list by
-- flag_slug are the only readers. The (environment_id, flag_id, created_at, id) index cost a
-- seed load one more million-entry rebuild (about a second at the large benchmark size).
DROP INDEX IF EXISTS flag_targets_flag;
