-- $1 user. Each day the member marked done in the journeys they follow,
-- with its number in the journey's reading order (as steps.sql orders the
-- days). The numbering reads the journey's days from an index inside the
-- database; only the member's few marks come back.
SELECT x.journey_id, x.n, d.done_on, d.done_at
FROM (
    SELECT e.journey_id, e.id,
        ROW_NUMBER() OVER (PARTITION BY e.journey_id ORDER BY e.week, e.day, e.id) AS n
    FROM entries e
    JOIN enrolments f ON f.journey_id = e.journey_id AND f.user_id = $1
    WHERE e.kind = 'day'
) x
JOIN step_done d ON d.user_id = $1 AND d.entry_id = x.id
