-- Invitations and the one-time email codes of User Management (verification and email change).
-- `state` holds pending, accepted or revoked; `expired` is never stored: a pending invitation
-- past expires_at reads as expired on the environment's clock.

CREATE TABLE invitations (
  environment_id  TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id              TEXT NOT NULL,
  email           TEXT NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'revoked')),
  organization_id TEXT,
  inviter_user_id TEXT,
  accepted_user_id TEXT,
  role_slug       TEXT,
  token           TEXT NOT NULL,
  expires_at      TEXT NOT NULL,
  accepted_at     TEXT,
  revoked_at      TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  PRIMARY KEY (environment_id, id)
);
CREATE UNIQUE INDEX invitations_token ON invitations (environment_id, token);
CREATE INDEX invitations_created ON invitations (environment_id, created_at, id);
CREATE INDEX invitations_email ON invitations (environment_id, email, created_at, id);
CREATE INDEX invitations_organization ON invitations (environment_id, organization_id, created_at, id);

-- One row per code sent; the newest of a user is the one a confirm checks.
CREATE TABLE email_verifications (
  environment_id TEXT NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  email          TEXT NOT NULL,
  code           TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  used_at        TEXT,
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
CREATE INDEX email_verifications_user ON email_verifications (environment_id, user_id, created_at, id);

-- A user has at most one email change in flight: a new send replaces it.
CREATE TABLE email_changes (
  environment_id TEXT NOT NULL,
  user_id        TEXT NOT NULL,
  new_email      TEXT NOT NULL,
  code           TEXT NOT NULL,
  expires_at     TEXT NOT NULL,
  used_at        TEXT,
  created_at     TEXT NOT NULL,
  PRIMARY KEY (environment_id, user_id),
  FOREIGN KEY (environment_id, user_id) REFERENCES users (environment_id, id) ON DELETE CASCADE
);
