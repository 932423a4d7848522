UPDATE entries SET
    journey_id = $2, slug = $3, week = $4, kind = $5, day = $6, title = $7,
    summary = $8, key_passage = $9, key_osis = $10, body_html = $11,
    going_deeper_html = $12, practices = $13, questions = $14, author_id = $15,
    publish_at = $16, members_only = $17, word_count = $18, source_path = $19,
    source_hash = $20, updated_at = $21
WHERE id = $1
RETURNING id
