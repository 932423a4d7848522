-- Images that come with content (journey covers), kept in the database so that
-- every node of a cluster can serve them. `path` carries a fingerprint of the
-- bytes, so a URL never changes meaning and can be cached for ever.
CREATE TABLE media (
    path         TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    bytes        ${bytes} NOT NULL,
    updated_at   BIGINT NOT NULL
);
