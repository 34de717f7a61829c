-- Sign-in state: signing keys, SRP verifiers, refresh tokens and revocations,
-- single-use markers, one-time codes, lockout counters, and delivery state of the
-- outbox. Secrets are sealed (AES-256-GCM) or keyed-hashed by the server key.

CREATE TABLE signing_keys (
    kid          TEXT PRIMARY KEY,
    pool_id      TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    purpose      TEXT NOT NULL,
    generation   INTEGER NOT NULL,
    private_key  BLOB NOT NULL,
    public_jwk   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    retired_at   INTEGER
);
CREATE UNIQUE INDEX signing_keys_generation ON signing_keys(pool_id, purpose, generation);

CREATE TABLE user_srp (
    user_id   INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    salt      TEXT NOT NULL,
    verifier  BLOB NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL,
    client_id   TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    origin_jti  TEXT NOT NULL,
    auth_time   INTEGER NOT NULL,
    device_key  TEXT,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    replaced_at INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);
CREATE INDEX refresh_tokens_origin ON refresh_tokens(origin_jti);

CREATE TABLE revoked_origins (
    origin_jti TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

CREATE TABLE user_token_state (
    user_id      INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    valid_after  INTEGER NOT NULL
);

CREATE TABLE consumed_once (
    id         TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
);
CREATE INDEX consumed_once_expiry ON consumed_once(expires_at);

CREATE TABLE codes (
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose       TEXT NOT NULL,
    code_hash     TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    attempts_left INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, purpose)
);

CREATE TABLE sign_in_failures (
    user_id         INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
);

-- Per-user rate windows for code operations (resend, forgot password, verification).
CREATE TABLE rate_windows (
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    action       TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (user_id, action)
);

ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN delivered_at INTEGER;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
