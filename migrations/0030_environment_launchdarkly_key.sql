-- The LaunchDarkly dialect names an environment by key in its paths (`/api/v2/users/default/test/…`).
-- An environment answers to its name and, when set, to this key. Not unique: parallel per-worker
-- environments may all answer to `test`, since a caller only ever reaches its own key's environment.
ALTER TABLE environments ADD COLUMN launchdarkly_key TEXT;
