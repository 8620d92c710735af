-- What User Management keeps about a user beyond the profile: authentication factors (TOTP),
-- their challenges, OAuth identities, sessions, authorized Connect applications, and the Pipes
-- data providers with the accounts users connected to them.

CREATE TABLE auth_factors (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  type           TEXT NOT NULL CHECK (type IN ('totp')),
  totp_issuer    TEXT NOT NULL,
  totp_user      TEXT NOT NULL,
  totp_secret    TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX auth_factors_user ON auth_factors (environment_id, user_id, created_at, id);

CREATE TABLE auth_challenges (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  factor_id      TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, factor_id) REFERENCES auth_factors (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX auth_challenges_factor ON auth_challenges (environment_id, factor_id);

CREATE TABLE user_identities (
  environment_id TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  provider       TEXT NOT NULL,
  idp_id         TEXT NOT NULL,
  position       INTEGER NOT NULL,
  -- Keyed by position, so a user's identities read back in the order given.
  PRIMARY KEY (environment_id, user_id, position),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE UNIQUE INDEX user_identities_account ON user_identities (environment_id, user_id, provider, idp_id);

CREATE TABLE sessions (
  environment_id  TEXT NOT NULL,
  id              TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  organization_id TEXT,
  auth_method     TEXT NOT NULL,
  -- active or revoked; `expired` is read off expires_at on the clock.
  status          TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  ip_address      TEXT,
  user_agent      TEXT,
  impersonator_email  TEXT,
  impersonator_reason TEXT,
  expires_at      TEXT NOT NULL,
  ended_at        TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (environment_id, user_id, created_at, id);

-- `application` is the ConnectApplication as the API shows it (its shape varies by type).
CREATE TABLE authorized_applications (
  environment_id TEXT NOT NULL,
  id             TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  application_id TEXT NOT NULL,
  client_id      TEXT NOT NULL,
  application    TEXT NOT NULL,
  granted_scopes TEXT NOT NULL DEFAULT '[]',
  oauth_resource TEXT,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX authorized_applications_user ON authorized_applications (environment_id, user_id, created_at, id);

CREATE TABLE data_providers (
  environment_id   TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id               TEXT NOT NULL,
  slug             TEXT NOT NULL,
  name             TEXT NOT NULL,
  description      TEXT,
  integration_type TEXT NOT NULL,
  credentials_type TEXT NOT NULL,
  scopes           TEXT,
  ownership        TEXT NOT NULL CHECK (ownership IN ('userland_user', 'organization')),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX data_providers_slug ON data_providers (environment_id, slug);

-- organization_key is organization_id or '' (none), so one unique index covers both.
CREATE TABLE connected_accounts (
  environment_id   TEXT NOT NULL,
  id               TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  provider_slug    TEXT NOT NULL,
  organization_id  TEXT,
  organization_key TEXT NOT NULL,
  scopes           TEXT NOT NULL DEFAULT '[]',
  state            TEXT NOT NULL CHECK (state IN ('connected', 'needs_reauthorization', 'disconnected')),
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX connected_accounts_user ON connected_accounts (environment_id, user_id, provider_slug, organization_key);
