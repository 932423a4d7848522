-- The back office's media library: images uploaded by editors, each kept in
-- several sizes (rows of `media`, whose paths carry a fingerprint of their
-- bytes and are made by the server, never from the uploaded file's name).
-- Deleting an image removes it from the library and its sizes from `media`.
CREATE TABLE media_library (
    id            ${id},
    -- The uploaded file's name, sanitised: shown, never used as a path.
    original_name TEXT NOT NULL,
    alt           TEXT NOT NULL,
    -- The decoded image's size (after its EXIF orientation), in pixels.
    width         BIGINT NOT NULL,
    height        BIGINT NOT NULL,
    -- JSON: [{"name": "cover", "path": "library/…", "width": …, "height": …,
    -- "content_type": …, "bytes": …}, …], the sizes kept in `media`.
    sizes         TEXT NOT NULL,
    uploaded_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX media_library_recent ON media_library (created_at);
