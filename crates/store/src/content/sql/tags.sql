-- Tags in use by published entries or listed journeys, with how many entries
-- carry each; $1 is now (ms).
SELECT t.slug, t.name, COUNT(DISTINCT e.id) AS n
FROM tags t
JOIN entries e ON e.id IN (SELECT entry_id FROM entry_tags WHERE tag_id = t.id)
    OR e.journey_id IN (SELECT journey_id FROM journey_tags WHERE tag_id = t.id)
JOIN journeys j ON j.id = e.journey_id
WHERE e.publish_at <= $1 AND j.visibility <> 'unlisted'
GROUP BY t.slug, t.name
ORDER BY t.name
