-- Site-wide settings: one JSON document per key.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- The durable job queue. A job is `pending` until a worker claims it (`running`,
-- with a lease that runs out at `locked_until`), then `done`, or back to `pending`
-- with a later `run_at` after a failure, or `dead` after `max_attempts`.
CREATE TABLE jobs (
    id           ${id},
    queue        TEXT NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    -- `kind:key`; unique for ever, so the same effect is never enqueued twice.
    dedup_key    TEXT,
    state        TEXT NOT NULL DEFAULT 'pending',
    attempts     BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at       BIGINT NOT NULL,
    lease_token  TEXT,
    locked_by    TEXT,
    locked_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE UNIQUE INDEX jobs_dedup_key ON jobs (dedup_key);
CREATE INDEX jobs_ready ON jobs (queue, state, run_at);
CREATE INDEX jobs_expired ON jobs (state, locked_until);
