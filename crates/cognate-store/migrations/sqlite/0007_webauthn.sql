-- Passkeys (WebAuthn): each user's registered credentials and the registrations
-- started but not yet completed. A credential id is unique within its pool; the
-- signature counter has its own column so an assertion advances it with one
-- conditional UPDATE. Pending registrations hold sealed state and are deleted when
-- completed, so each challenge is used at most once.

CREATE TABLE webauthn_credentials (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id                   TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    user_id                   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id             TEXT NOT NULL,
    public_key                TEXT NOT NULL,
    sign_count                INTEGER NOT NULL DEFAULT 0,
    friendly_name             TEXT,
    relying_party_id          TEXT NOT NULL,
    authenticator_attachment  TEXT,
    transports                TEXT NOT NULL,
    created_at                INTEGER NOT NULL,
    last_used_at              INTEGER,
    UNIQUE (pool_id, credential_id)
);

CREATE INDEX webauthn_credentials_by_user ON webauthn_credentials (user_id, id);

CREATE TABLE webauthn_registrations (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    challenge   TEXT NOT NULL,
    state       BLOB NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, challenge)
);
