-- Email subscribers, the journeys they follow by email, and the outbox every
-- message leaves through.
--
-- A subscriber is an address with consent, not an account: a member who
-- subscribes is linked by `user_id`, a guest is not. Nothing but the
-- confirmation is sent before `status` is 'active' (double opt-in).

CREATE TABLE subscribers (
    id                ${id},
    -- Trimmed and lower-cased, as accounts' addresses.
    email             TEXT NOT NULL UNIQUE,
    name              TEXT NOT NULL,
    -- IANA name: when this subscriber's mornings begin.
    time_zone         TEXT NOT NULL,
    -- Minutes after local midnight at which the day's mail goes out (360: 06:00).
    send_minute       BIGINT NOT NULL,
    -- ISO weekday of the weekly digest: 1 Monday ... 7 Sunday.
    digest_weekday    BIGINT NOT NULL,
    wants_daily       BIGINT NOT NULL,
    wants_digest      BIGINT NOT NULL,
    wants_events      BIGINT NOT NULL,
    wants_newsletters BIGINT NOT NULL,
    -- pending (not confirmed yet) | active | unsubscribed
    status            TEXT NOT NULL,
    user_id           BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The key of the links in every message (preferences, one-click
    -- unsubscribe). Kept as given, since every message repeats it; it can do
    -- no more than those pages can, and is replaced on a change of address.
    link_key          TEXT NOT NULL UNIQUE,
    -- When and how consent was given (form, import, account).
    consent_at        BIGINT,
    consent_source    TEXT,
    -- When the weekly digest goes out next (UTC ms); NULL when not wanted.
    next_digest_at    BIGINT,
    unsubscribed_at   BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX subscribers_status ON subscribers (status);
CREATE INDEX subscribers_user ON subscribers (user_id);
CREATE INDEX subscribers_digest ON subscribers (next_digest_at);

CREATE TABLE subscriber_tags (
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    tag           TEXT NOT NULL,
    PRIMARY KEY (subscriber_id, tag)
);
CREATE INDEX subscriber_tags_tag ON subscriber_tags (tag);

-- Emailed links that confirm a subscription or a new address: single use,
-- kept as SHA-256 only, like sign-in links.
CREATE TABLE subscription_tokens (
    token_hash    TEXT PRIMARY KEY,
    subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    -- confirm | change_email
    purpose       TEXT NOT NULL,
    -- The address the link was sent to (for a change, the new one).
    email         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX subscription_tokens_subscriber ON subscription_tokens (subscriber_id);

-- A journey followed by email. Step n goes out on start_date + (n - 1) days
-- at the subscriber's send time; a pause moves start_date on by the days
-- paused when it ends. A member's own schedule (enrolments) takes the place
-- of start_date, so the web and the mail are on the same day.
CREATE TABLE email_journeys (
    id             ${id},
    subscriber_id  BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    journey_id     BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    start_date     TEXT NOT NULL,
    -- The local date the pause began; NULL when not paused.
    paused_on      TEXT,
    -- The last step handed to the outbox (0: none yet).
    last_step      BIGINT NOT NULL DEFAULT 0,
    -- When the next step is due (UTC ms); NULL when paused, finished or the
    -- subscriber is not active.
    next_send_at   BIGINT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (subscriber_id, journey_id)
);
CREATE INDEX email_journeys_due ON email_journeys (next_send_at);
CREATE INDEX email_journeys_journey ON email_journeys (journey_id);

-- A message for many: a newsletter (Markdown), scheduled or sent, and to whom.
CREATE TABLE mail_messages (
    id           ${id},
    kind         TEXT NOT NULL,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    -- JSON: {"preference": "newsletters", "tags": [...]}
    audience     TEXT NOT NULL,
    -- draft | scheduled | queued | sent
    state        TEXT NOT NULL,
    send_at      BIGINT,
    queued_at    BIGINT,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX mail_messages_due ON mail_messages (state, send_at);

-- Every message to one recipient. `idempotency_key` names the (recipient,
-- message) pair, so the same message is never queued twice; a row is written
-- in the same transaction as its cause. Workers claim rows under a lease.
CREATE TABLE outbox (
    id              ${id},
    idempotency_key TEXT NOT NULL UNIQUE,
    subscriber_id   BIGINT REFERENCES subscribers (id) ON DELETE CASCADE,
    -- The address when queued (a later change of address does not redirect
    -- a message queued for the old one).
    email           TEXT NOT NULL,
    -- confirm | change_email | daily | digest | newsletter
    kind            TEXT NOT NULL,
    message_id      BIGINT REFERENCES mail_messages (id) ON DELETE CASCADE,
    -- JSON: what to render (entry, step, link token, ...).
    payload         TEXT NOT NULL,
    -- queued | sending | sent | failed | skipped | bounced
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    run_at          BIGINT NOT NULL,
    lease_token     TEXT,
    locked_until    BIGINT,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX outbox_ready ON outbox (state, run_at);
CREATE INDEX outbox_message ON outbox (message_id, state);
CREATE INDEX outbox_subscriber ON outbox (subscriber_id);

-- Addresses never mailed again: hard bounces, complaints, an owner's word.
CREATE TABLE suppressions (
    email      TEXT PRIMARY KEY,
    -- hard_bounce | complaint | manual
    reason     TEXT NOT NULL,
    detail     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
