-- $1 user, $2 a journey id or NULL, $3 an entry slug or NULL, $4 limit,
-- $5 offset. A member's journal items, newest first, with the titles of
-- what they answer (the entry's is NULL when it is gone from its journey).
SELECT j.slug AS journey_slug, j.title AS journey_title, l.entry_slug,
    e.title AS entry_title, l.item, l.body, l.created_at, l.updated_at
FROM journal l
JOIN journeys j ON j.id = l.journey_id
LEFT JOIN entries e ON e.journey_id = l.journey_id AND e.slug = l.entry_slug
WHERE l.user_id = $1 AND ($2 IS NULL OR l.journey_id = $2)
    AND ($3 IS NULL OR l.entry_slug = $3)
ORDER BY l.updated_at DESC, l.id DESC
LIMIT $4 OFFSET $5
