-- $1 user, $2 journey slug, $3 entry slug: what stands between a member and
-- marking this entry, for a precise error. No row: no such journey.
SELECT
    (SELECT COUNT(*) FROM enrolments n WHERE n.user_id = $1 AND n.journey_id = j.id) AS following,
    e.kind, e.publish_at
FROM journeys j
LEFT JOIN entries e ON e.journey_id = j.id AND e.slug = $3
WHERE j.slug = $2
