-- $1 user. The journeys the member follows, in the order they began to
-- follow them, with how many days (steps) each has.
SELECT n.journey_id, j.slug AS journey_slug, j.title AS journey_title,
    n.start_date, n.created_at, n.updated_at,
    (SELECT COUNT(*) FROM entries e WHERE e.journey_id = n.journey_id AND e.kind = 'day') AS total
FROM enrolments n
JOIN journeys j ON j.id = n.journey_id
WHERE n.user_id = $1
ORDER BY n.created_at, n.id
