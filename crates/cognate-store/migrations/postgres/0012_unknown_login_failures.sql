-- Failed password checks for names no user has, in pools that hide whether a user
-- exists: counted like a user's own failures, so the lockout answer does not tell an
-- unknown name from a real one. The name is stored only as a keyed hash; rows quiet
-- for longer than the lockout's reset time are deleted as new failures come in.
CREATE TABLE unknown_login_failures (
    pool_id         TEXT NOT NULL,
    login_key       TEXT NOT NULL,
    failures        BIGINT NOT NULL,
    last_failure_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, login_key)
);

CREATE INDEX unknown_login_failures_by_time ON unknown_login_failures (last_failure_at);
