-- $1 user, $2 journey slug, $3 entry slug, $4 the member's local date, $5 now.
-- Marks a published day of a journey the member follows, in one statement so
-- that it cannot race with stopping; a second mark changes nothing.
INSERT INTO step_done (user_id, entry_id, done_on, done_at)
SELECT n.user_id, e.id, $4, $5
FROM enrolments n
JOIN journeys j ON j.id = n.journey_id
JOIN entries e ON e.journey_id = j.id
WHERE n.user_id = $1 AND j.slug = $2 AND e.slug = $3
    AND e.kind = 'day' AND e.publish_at <= $5
ON CONFLICT (user_id, entry_id) DO NOTHING
