-- @workos/openapi-spec 0.61.0 gives organization API keys an `expires_at` (null: never expires).
ALTER TABLE organization_api_keys ADD COLUMN expires_at TEXT;
