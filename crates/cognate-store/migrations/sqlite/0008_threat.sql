-- Threat protection: risk configurations of pools (client_id '') and app clients, and
-- the auth-event history that AdminListUserAuthEvents lists and risk scoring reads.
-- Events without a user (unknown usernames) count only toward per-address failure
-- velocity. Device fingerprints and feedback-token secrets are stored only as keyed
-- hashes. Events older than the retention period are pruned by created_at.

CREATE TABLE risk_configurations (
    pool_id     TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    client_id   TEXT NOT NULL,
    config      TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, client_id)
);

CREATE TABLE auth_events (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id             TEXT NOT NULL UNIQUE,
    pool_id              TEXT NOT NULL REFERENCES user_pools(id) ON DELETE CASCADE,
    user_id              INTEGER REFERENCES users(id) ON DELETE CASCADE,
    client_id            TEXT,
    event_type           TEXT NOT NULL,
    response             TEXT NOT NULL,
    risk_decision        TEXT,
    risk_level           TEXT,
    compromised          INTEGER NOT NULL DEFAULT 0,
    challenges           TEXT NOT NULL,
    ip                   TEXT,
    network              TEXT,
    device_key           TEXT,
    device_name          TEXT,
    timezone             TEXT,
    score                INTEGER,
    reasons              TEXT NOT NULL,
    feedback_value       TEXT,
    feedback_provider    TEXT,
    feedback_at          INTEGER,
    feedback_token_hash  TEXT,
    created_at           INTEGER NOT NULL
);
CREATE INDEX auth_events_user ON auth_events(pool_id, user_id, created_at DESC, seq DESC);
CREATE INDEX auth_events_ip ON auth_events(pool_id, ip, created_at);
CREATE INDEX auth_events_created ON auth_events(created_at);
