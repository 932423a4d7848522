-- $1 user, $2 a journey's slug, or NULL for every journey they follow. One
-- row per step (a `day` entry, in reading order) of each followed journey,
-- with the member's done mark; a journey without steps gives one row whose
-- entry columns are NULL.
SELECT n.journey_id, j.slug AS journey_slug, j.title AS journey_title,
    n.start_date, n.created_at, n.updated_at,
    e.slug AS entry_slug, e.title AS entry_title, e.week, e.day, e.publish_at,
    d.done_on, d.done_at
FROM enrolments n
JOIN journeys j ON j.id = n.journey_id
LEFT JOIN entries e ON e.journey_id = n.journey_id AND e.kind = 'day'
LEFT JOIN step_done d ON d.user_id = n.user_id AND d.entry_id = e.id
WHERE n.user_id = $1 AND ($2 IS NULL OR j.slug = $2)
ORDER BY n.created_at, n.id, e.week, e.day, e.id
