-- Who changed the site's settings and its accounts, when, and from what to
-- what. Rows are only ever added: no code path updates or deletes them.
CREATE TABLE audit_log (
    id       ${id},
    at       BIGINT NOT NULL,
    -- NULL when the account was deleted since, or for the command line.
    actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The actor's address at the time ("abide" for the command line).
    actor    TEXT NOT NULL,
    -- settings | user.invite | user.role | user.disable | user.enable
    action   TEXT NOT NULL,
    -- What was changed: "site settings", an account's address.
    subject  TEXT NOT NULL,
    -- JSON, or NULL where there was nothing before (an invitation).
    before   TEXT,
    after    TEXT
);
CREATE INDEX audit_log_subject ON audit_log (subject, id);
