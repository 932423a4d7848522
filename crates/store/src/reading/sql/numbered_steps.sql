-- $1 journey id; NUMBERS is replaced by a list of step numbers (integers
-- written by the store, never text from outside). Those days of the journey,
-- numbered as steps.sql orders them.
SELECT x.n, x.entry_slug, x.entry_title, x.week, x.day, x.publish_at
FROM (
    SELECT e.slug AS entry_slug, e.title AS entry_title, e.week, e.day, e.publish_at,
        ROW_NUMBER() OVER (ORDER BY e.week, e.day, e.id) AS n
    FROM entries e
    WHERE e.journey_id = $1 AND e.kind = 'day'
) x
WHERE x.n IN (NUMBERS)
