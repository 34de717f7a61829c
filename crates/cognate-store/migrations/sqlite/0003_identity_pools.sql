-- Identity pools, their identities and linked logins, IAM-style roles with inline
-- policies, temporary credentials, and service-wide signing keys.

CREATE TABLE identity_pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,
    roles       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);

CREATE TABLE identities (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES identity_pools(id) ON DELETE CASCADE,
    logins      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX identities_pool ON identities(pool_id, id);

-- A login (provider and subject) maps to exactly one identity per pool.
CREATE TABLE identity_logins (
    pool_id     TEXT NOT NULL,
    login       TEXT NOT NULL,
    identity_id TEXT NOT NULL REFERENCES identities(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, login)
);
CREATE INDEX identity_logins_identity ON identity_logins(identity_id);

CREATE TABLE roles (
    name          TEXT PRIMARY KEY,
    arn           TEXT NOT NULL UNIQUE,
    role_id       TEXT NOT NULL,
    path          TEXT NOT NULL,
    trust_policy  TEXT NOT NULL,
    description   TEXT,
    max_session   INTEGER NOT NULL,
    implicit_pool TEXT,
    created_at    INTEGER NOT NULL
);

CREATE TABLE role_policies (
    role_name   TEXT NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
    policy_name TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (role_name, policy_name)
);

-- Temporary credentials: the secret is sealed, the session token kept as a keyed hash.
CREATE TABLE temporary_credentials (
    access_key_id TEXT PRIMARY KEY,
    secret        BLOB NOT NULL,
    token_hash    TEXT NOT NULL,
    role_arn      TEXT NOT NULL,
    session_name  TEXT NOT NULL,
    identity_id   TEXT,
    context       TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
);
CREATE INDEX temporary_credentials_expiry ON temporary_credentials(expires_at);

CREATE TABLE service_keys (
    kid         TEXT PRIMARY KEY,
    purpose     TEXT NOT NULL,
    generation  INTEGER NOT NULL,
    private_key BLOB NOT NULL,
    public_jwk  TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX service_keys_generation ON service_keys(purpose, generation);
