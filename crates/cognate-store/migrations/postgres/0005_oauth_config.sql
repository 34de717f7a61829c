-- OAuth configuration of user pools: domains (unique across pools; at most one prefix
-- and one custom domain per pool), resource servers with their custom scopes (a JSON
-- array), and classic hosted-UI customization per pool (client_id 'ALL') or client.

CREATE TABLE user_pool_domains (
    domain                 TEXT COLLATE "C" PRIMARY KEY,
    pool_id                TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    kind                   TEXT NOT NULL,
    certificate_arn        TEXT,
    managed_login_version  BIGINT NOT NULL,
    created_at             BIGINT NOT NULL,
    updated_at             BIGINT NOT NULL
);
CREATE UNIQUE INDEX user_pool_domains_kind ON user_pool_domains(pool_id, kind);

CREATE TABLE resource_servers (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    identifier  TEXT COLLATE "C" NOT NULL,
    name        TEXT NOT NULL,
    scopes      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, identifier)
);

CREATE TABLE ui_customizations (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_id   TEXT COLLATE "C" NOT NULL,
    css         TEXT,
    image       TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, client_id)
);
