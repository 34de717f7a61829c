-- Remembered devices: one row per confirmed device (ConfirmDevice), holding the
-- device's SRP salt and its verifier sealed under the server key. The key is unique
-- across pools; rows go with their user. `remembered` is 1 or 0.

CREATE TABLE devices (
    id                     INTEGER PRIMARY KEY AUTOINCREMENT,
    device_key             TEXT NOT NULL UNIQUE,
    pool_id                TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    user_id                INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_key              TEXT NOT NULL,
    name                   TEXT,
    salt                   TEXT NOT NULL,
    verifier               BLOB NOT NULL,
    remembered             INTEGER NOT NULL,
    last_ip                TEXT,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL,
    last_authenticated_at  INTEGER
);

CREATE INDEX devices_by_user ON devices (user_id, id);

-- Forgetting a device revokes the refresh tokens bound to it.
CREATE INDEX refresh_tokens_device ON refresh_tokens (user_id, device_key);
