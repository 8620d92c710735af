-- A user's identities are listed in position order: read them in that order from an index, not sorted per request.
CREATE INDEX user_identities_position ON user_identities (environment_id, user_id, position);
