-- $1 user, $2 a journey id or NULL, $3 an entry slug or NULL. A member's
-- practice log, oldest first.
SELECT p.id, j.slug AS journey_slug, p.entry_slug, e.title AS entry_title,
    p.practice, p.seconds, p.logged_at, p.logged_on
FROM practice_log p
JOIN journeys j ON j.id = p.journey_id
LEFT JOIN entries e ON e.journey_id = p.journey_id AND e.slug = p.entry_slug
WHERE p.user_id = $1 AND ($2 IS NULL OR p.journey_id = $2)
    AND ($3 IS NULL OR p.entry_slug = $3)
ORDER BY p.logged_at, p.id
