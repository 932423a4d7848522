-- Accounts, sessions, single-use login tokens and rate-limit counters.
--
-- No secret that signs someone in is stored as it was handed out: a session
-- cookie and an emailed link carry 32 random bytes, and the database keeps
-- only their SHA-256 (hex), so a copy of the database (a backup, a dump on a
-- laptop) signs nobody in. Passwords are argon2id PHC strings.

CREATE TABLE users (
    id                ${id},
    -- Trimmed and lower-cased, so "Ann@Example.org" and "ann@example.org"
    -- are one account.
    email             TEXT NOT NULL UNIQUE,
    display_name      TEXT NOT NULL,
    -- IANA name: when this person's days begin and their mail goes out.
    time_zone         TEXT NOT NULL,
    -- The translation they read in (an id of the library); NULL: the site's.
    translation       TEXT,
    -- member | moderator | editor | owner
    role              TEXT NOT NULL,
    disabled          BIGINT NOT NULL DEFAULT 0,
    email_verified_at BIGINT,
    -- argon2id PHC string; NULL for those who sign in by emailed link only.
    password_hash     TEXT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);

CREATE TABLE sessions (
    -- SHA-256 of the cookie's token.
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   BIGINT NOT NULL,
    -- Touched at most once a minute, so reading pages does not mean writing.
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    -- A short summary ("Firefox on Android") for a list of one's sessions.
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Emailed links: sign in, sign up, verify an address, confirm a new address.
CREATE TABLE login_tokens (
    -- SHA-256 of the link's token.
    token_hash TEXT PRIMARY KEY,
    -- sign_in | sign_up | verify_email | change_email
    purpose    TEXT NOT NULL,
    -- NULL for a sign-up: the account does not exist until the link is used.
    user_id    BIGINT REFERENCES users (id) ON DELETE CASCADE,
    -- The address the link was sent to (normalised): for a change of
    -- address, the new one.
    email      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Set by the one use that counts; a used link never works again.
    used_at    BIGINT
);
CREATE INDEX login_tokens_user ON login_tokens (user_id);
CREATE INDEX login_tokens_expires ON login_tokens (expires_at);

-- Fixed-window counters, one row per key ("sign-in:ip:203.0.113.9"), shared
-- by every node of a cluster.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits         BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
