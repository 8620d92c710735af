-- Every environment-scoped row and index entry carries its environment's id. That id was the
-- public one (38 characters, a third of a flag target's bytes); environments now get a short
-- internal id (`id`, what rows reference) and keep the public `environment_…` id in `public_id`,
-- which is what the admin API shows and accepts. Environments made before keep their id as both.
ALTER TABLE environments ADD COLUMN public_id TEXT;
UPDATE environments SET public_id = id;
CREATE UNIQUE INDEX environments_public_id ON environments (public_id);
