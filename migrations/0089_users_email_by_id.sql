-- A user's email by its id, from the index alone: flag.rule_updated lists each configured user
-- target with its email, and the first event of a flag with ~1,000 user targets looked each one
-- up twice (the primary key's index, then the row): ~1.2 of the 1.5 ms its read took. SQLite
-- prefers the unique primary key, so the read names this index (src/modules/events/flag-targets.ts).
CREATE INDEX users_email_by_id ON users (environment_id, id, email);
