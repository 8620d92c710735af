-- Sign-in: users' password hashes, each environment's RS256 signing keys, refresh tokens of
-- sessions, and authorization codes minted through the admin API.

-- Only a hash (scrypt) is kept; a user without a row has no password.
CREATE TABLE user_passwords (
  environment_id TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  hash           TEXT NOT NULL,
  PRIMARY KEY (environment_id, user_id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

-- An environment's key pair, made on first use. Not snapshot content (src/db/snapshots.ts): a reset
-- must not change the keys clients have cached from the JWKS.
CREATE TABLE signing_keys (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  kid            TEXT NOT NULL,
  private_pem    TEXT NOT NULL,
  public_jwk     TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, kid)
);

-- Refresh tokens are kept as SHA-256; each is used once (a refresh rotates it).
CREATE TABLE refresh_tokens (
  environment_id TEXT NOT NULL,
  token_sha256   TEXT NOT NULL,
  session_id     TEXT NOT NULL,
  used_at        TEXT,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, token_sha256),
  FOREIGN KEY (environment_id, session_id) REFERENCES sessions (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE authorization_codes (
  environment_id  TEXT NOT NULL,
  code            TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  organization_id TEXT,
  authentication_method TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  used_at         TEXT,
  created_at      TEXT NOT NULL,
  PRIMARY KEY (environment_id, code),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
