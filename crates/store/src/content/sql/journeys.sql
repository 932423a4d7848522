-- Journeys with their entry counts and dates; $1 is now (ms); $2 a slug, or
-- NULL for every listed journey.
SELECT j.id, j.slug, j.title, j.summary, j.cover_image, j.visibility, j.updated_at,
    (SELECT COUNT(*) FROM entries e WHERE e.journey_id = j.id AND e.publish_at <= $1) AS published,
    (SELECT COUNT(*) FROM entries e WHERE e.journey_id = j.id) AS total,
    (SELECT MIN(e.publish_at) FROM entries e WHERE e.journey_id = j.id) AS starts_at,
    (SELECT MAX(e.publish_at) FROM entries e WHERE e.journey_id = j.id AND e.publish_at <= $1) AS latest_at
FROM journeys j
WHERE ($2 IS NULL AND j.visibility <> 'unlisted') OR j.slug = $2
ORDER BY COALESCE((SELECT MAX(e.publish_at) FROM entries e WHERE e.journey_id = j.id AND e.publish_at <= $1), 0) DESC, j.title
