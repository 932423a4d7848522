-- The files each journey was loaded from, in the folder format (journey.toml,
-- one Markdown file per entry, the cover image): what the back office edits
-- and `abide export` writes back. `origin` says where the current bytes came
-- from: a folder import, or a save in the browser (which a later folder import
-- must not silently overwrite).
CREATE TABLE source_files (
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    bytes      ${bytes} NOT NULL,
    hash       TEXT NOT NULL,
    -- folder | browser
    origin     TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    PRIMARY KEY (journey_id, path)
);

-- Every version of every file: each browser save and each import that changed
-- it, the newest 100 of a file kept. `bytes` NULL: the file was deleted.
CREATE TABLE revisions (
    id         ${id},
    journey_id BIGINT NOT NULL REFERENCES journeys (id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    bytes      ${bytes},
    hash       TEXT NOT NULL,
    origin     TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    user_id    BIGINT REFERENCES users (id) ON DELETE SET NULL,
    note       TEXT NOT NULL
);
CREATE INDEX revisions_file ON revisions (journey_id, path, id);
CREATE INDEX revisions_recent ON revisions (created_at);

-- Bumped by every change of a journey's files, so that two saves at once
-- cannot both build on the same files.
ALTER TABLE journeys ADD COLUMN source_version BIGINT NOT NULL DEFAULT 0;
