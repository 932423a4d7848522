-- Published content: journeys, their weeks and entries, tags, authors, and the
-- citation index (verse ranges -> entries). Rendered HTML is stored at import;
-- nothing re-parses prose at request time.
CREATE TABLE authors (
    id         ${id},
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    bio_html   TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE journeys (
    id          ${id},
    slug        TEXT NOT NULL UNIQUE,
    title       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    cover_image TEXT,
    -- public | unlisted | members
    visibility  TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE weeks (
    journey_id        BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    number            BIGINT NOT NULL,
    theme             TEXT NOT NULL,
    introduction_html TEXT NOT NULL,
    PRIMARY KEY (journey_id, number)
);

CREATE TABLE entries (
    id                ${id},
    journey_id        BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    slug              TEXT NOT NULL,
    week              BIGINT NOT NULL,
    -- introduction | day | recap
    kind              TEXT NOT NULL,
    day               BIGINT NOT NULL,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL,
    key_passage       TEXT,
    key_osis          TEXT,
    body_html         TEXT NOT NULL,
    going_deeper_html TEXT,
    -- JSON: [{"html": "...", "minutes": 5}]
    practices         TEXT NOT NULL,
    -- JSON: ["<question html>", ...]
    questions         TEXT NOT NULL,
    author_id         BIGINT REFERENCES authors (id) ON DELETE SET NULL,
    publish_at        BIGINT NOT NULL,
    members_only      BIGINT NOT NULL,
    word_count        BIGINT NOT NULL,
    source_path       TEXT NOT NULL,
    source_hash       TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (journey_id, slug)
);
CREATE INDEX entries_publish ON entries (publish_at);
CREATE INDEX entries_journey ON entries (journey_id, week, day);

CREATE TABLE tags (
    id   ${id},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE entry_tags (
    entry_id BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    tag_id   BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (entry_id, tag_id)
);
CREATE INDEX entry_tags_tag ON entry_tags (tag_id);

CREATE TABLE journey_tags (
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (journey_id, tag_id)
);
CREATE INDEX journey_tags_tag ON journey_tags (tag_id);

-- The citation index: "which entries cite this passage?" is the overlap test
-- start_key <= $end AND end_key >= $start. Keys are BBCCCVVV verse numbers.
CREATE TABLE citations (
    entry_id   BIGINT NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
    start_key  BIGINT NOT NULL,
    end_key    BIGINT NOT NULL,
    -- key | inline
    kind       TEXT NOT NULL,
    span_start BIGINT NOT NULL,
    span_end   BIGINT NOT NULL,
    osis       TEXT NOT NULL
);
CREATE INDEX citations_range ON citations (start_key, end_key);
CREATE INDEX citations_entry ON citations (entry_id);
