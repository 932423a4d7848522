-- Published URLs never break. A journey or an entry that changes its slug
-- keeps the old one here, and its old address answers 301 to the current one
-- (`Store::moved`). A slug kept here is reserved: another entry (journey) takes
-- it only when the owner says so (`abide import --reuse-slugs`).

-- A journey is its folder: a journey whose slug changed (a new title, a new
-- `slug` in journey.toml) is found again by the name of its folder. NULL until
-- the first import after this migration.
ALTER TABLE journeys ADD COLUMN folder TEXT;

-- Slugs a journey had. Global, like journeys' own slugs.
CREATE TABLE journey_slug_history (
    slug       TEXT PRIMARY KEY,
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    retired_at BIGINT NOT NULL
);
CREATE INDEX journey_slug_history_journey ON journey_slug_history (journey_id);

-- Slugs an entry had once published, within its journey. entry_id is NULL
-- once the entry itself is deleted: its addresses then answer 410 Gone.
CREATE TABLE entry_slug_history (
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    slug       TEXT NOT NULL,
    entry_id   BIGINT REFERENCES entries (id) ON DELETE SET NULL,
    retired_at BIGINT NOT NULL,
    PRIMARY KEY (journey_id, slug)
);
CREATE INDEX entry_slug_history_entry ON entry_slug_history (entry_id);
