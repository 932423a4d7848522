-- $1 user, $2 a journey id or NULL for all. The journeys the member
-- follows, in the order they began to follow them. Their days come from the
-- journeys' outlines in memory (content/outline.rs).
SELECT n.journey_id, n.start_date, n.created_at, n.updated_at
FROM enrolments n
WHERE n.user_id = $1 AND ($2 IS NULL OR n.journey_id = $2)
ORDER BY n.created_at, n.id
