-- Organizations (issue 3): organization API keys, Idempotency-Key records, and the uniqueness
-- rules organizations and their domains follow.

-- A domain belongs to at most one organization of an environment; stored lowercased.
DROP INDEX organization_domains_domain;
CREATE UNIQUE INDEX organization_domains_domain ON organization_domains (environment_id, domain);

-- spec: stripe_customer_id_already_used on update, so a Stripe customer maps to one organization.
CREATE UNIQUE INDEX organizations_stripe_customer_id ON organizations (environment_id, stripe_customer_id)
  WHERE stripe_customer_id IS NOT NULL;

-- API keys an organization issues to its own customers. Not the environment's secret keys
-- (environment_api_keys), which authenticate callers of this API: an organization API key is
-- never accepted as a bearer. The secret is returned once; only its SHA-256 is kept.
CREATE TABLE organization_api_keys (
  environment_id   TEXT NOT NULL,
  id               TEXT NOT NULL,
  organization_id  TEXT NOT NULL,
  name             TEXT NOT NULL,
  value_sha256     TEXT NOT NULL,
  obfuscated_value TEXT NOT NULL,
  permissions      TEXT NOT NULL DEFAULT '[]',
  last_used_at     TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, organization_id) REFERENCES organizations (environment_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX organization_api_keys_value ON organization_api_keys (environment_id, value_sha256);
CREATE INDEX organization_api_keys_org ON organization_api_keys (environment_id, organization_id, created_at, id);

-- Idempotency-Key records: the first response to a POST carrying the key, replayed to retries.
-- `status` is NULL while that first request is still running.
CREATE TABLE idempotency_keys (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  key            TEXT NOT NULL,
  fingerprint    TEXT NOT NULL,
  status         INTEGER,
  content_type   TEXT,
  body           TEXT,
  created_at     TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
