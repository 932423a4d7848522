INSERT INTO journeys (slug, title, summary, cover_image, visibility, source_hash, created_at, updated_at, folder)
VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
ON CONFLICT (slug) DO UPDATE SET
    folder = excluded.folder,
    title = excluded.title,
    summary = excluded.summary,
    cover_image = excluded.cover_image,
    visibility = excluded.visibility,
    source_hash = excluded.source_hash,
    updated_at = CASE WHEN journeys.source_hash = excluded.source_hash
                      THEN journeys.updated_at ELSE excluded.updated_at END
RETURNING id
