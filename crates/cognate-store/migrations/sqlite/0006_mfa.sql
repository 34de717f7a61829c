-- Multi-factor authentication: the MFA factors a pool offers beyond its settings
-- document, and each user's factor choices and TOTP software token. TOTP secrets are
-- sealed (AES-256-GCM) with the server key; the last accepted TOTP step makes every
-- code single-use.

CREATE TABLE user_pool_mfa (
    pool_id     TEXT PRIMARY KEY REFERENCES user_pools(id) ON DELETE CASCADE,
    config      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE user_mfa (
    user_id           INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    sms_enabled       INTEGER NOT NULL DEFAULT 0,
    email_enabled     INTEGER NOT NULL DEFAULT 0,
    totp_enabled      INTEGER NOT NULL DEFAULT 0,
    webauthn_enabled  INTEGER NOT NULL DEFAULT 0,
    preferred         TEXT,
    totp_secret       BLOB,
    totp_pending      BLOB,
    totp_device_name  TEXT,
    totp_last_step    INTEGER,
    updated_at        INTEGER NOT NULL
);
