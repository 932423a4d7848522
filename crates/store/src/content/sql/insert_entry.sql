-- $1 (the id) is unused here; update_entry.sql takes the same parameters.
INSERT INTO entries (
    journey_id, slug, week, kind, day, title, summary, key_passage, key_osis,
    body_html, going_deeper_html, practices, questions, author_id, publish_at,
    members_only, word_count, source_path, source_hash, created_at, updated_at
)
SELECT $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21
WHERE $1 = 0
RETURNING id
