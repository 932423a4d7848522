-- A reader's own journey: the journeys they follow and on what schedule, the
-- steps they marked done, their private journal and their practice log.
--
-- Dates a person sees (their day 1, the day they walked) are their own local
-- dates, stored as 'YYYY-MM-DD' text; instants are UTC milliseconds as
-- everywhere else. Every row names its person and goes with their account.

-- A member follows a journey. Step n (its n-th `day` entry in reading order)
-- is scheduled on start_date + (n - 1) days.
CREATE TABLE enrolments (
    id         ${id},
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    -- The member's local date of their day 1.
    start_date TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, journey_id)
);
CREATE INDEX enrolments_journey ON enrolments (journey_id);

-- A step marked done, once per person and step. A step whose entry is
-- removed from its journey takes its marks with it.
CREATE TABLE step_done (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    -- The member's local date when they marked it: the days of their streak.
    done_on  TEXT NOT NULL,
    done_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, entry_id)
);
CREATE INDEX step_done_entry ON step_done (entry_id);

-- The private journal: answers to an entry's questions (`q1`, `q2`, ...),
-- notes on its practices (`p1`, ...) and a free `note`. Keyed by the entry's
-- journey and slug rather than its row id, on purpose: an import deletes the
-- entries gone from a journey's folder (a renamed file, a changed slug), and
-- what a person wrote must not vanish with them, nor block the import. Such
-- an answer stays in the journal and reattaches if the entry comes back.
CREATE TABLE journal (
    id         ${id},
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    entry_slug TEXT NOT NULL,
    item       TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, journey_id, entry_slug, item)
);
CREATE INDEX journal_user_updated ON journal (user_id, updated_at);

-- Time given to an entry's practices ("five minutes of stillness"), kept like
-- the journal, for the same reason.
CREATE TABLE practice_log (
    id         ${id},
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    entry_slug TEXT NOT NULL,
    -- 1-based, in the entry's order of practices.
    practice   BIGINT NOT NULL,
    seconds    BIGINT NOT NULL,
    logged_at  BIGINT NOT NULL,
    logged_on  TEXT NOT NULL
);
CREATE INDEX practice_log_user ON practice_log (user_id, journey_id, entry_slug);
