-- User pools, app clients, users with their unique logins and search index, groups,
-- and the outbound message queue. Times are epoch milliseconds; flags are 0/1.
CREATE TABLE user_pools (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,
    schema      TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);

CREATE TABLE app_clients (
    id          TEXT PRIMARY KEY,
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    secret      TEXT,
    settings    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX app_clients_pool ON app_clients(pool_id, id);

CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id         TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    username        TEXT NOT NULL,
    sub             TEXT NOT NULL,
    status          TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    attributes      TEXT NOT NULL,
    password_hash   TEXT,
    password_set_at INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    version         INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_pool_sub ON users(pool_id, sub);
CREATE INDEX users_pool_id ON users(pool_id, id);

-- Every identifier a user can sign in with; the primary key makes them unique per pool.
CREATE TABLE user_logins (
    pool_id TEXT NOT NULL,
    login   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, login)
);
CREATE INDEX user_logins_user ON user_logins(user_id);

-- Searchable values for ListUsers filters.
CREATE TABLE user_index (
    pool_id TEXT NOT NULL,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, name, value, user_id)
);
CREATE INDEX user_index_user ON user_index(user_id);

CREATE TABLE groups (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    description TEXT,
    role_arn    TEXT,
    precedence  INTEGER,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, name)
);

CREATE TABLE group_members (
    pool_id    TEXT NOT NULL,
    group_name TEXT NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, group_name, user_id),
    FOREIGN KEY (pool_id, group_name) REFERENCES groups(pool_id, name) ON DELETE CASCADE
);
CREATE INDEX group_members_user ON group_members(user_id, group_name);

CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    channel     TEXT NOT NULL,
    destination TEXT NOT NULL,
    subject     TEXT,
    body        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX outbox_pool ON outbox(pool_id, id);
