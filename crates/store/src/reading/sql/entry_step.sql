-- $1 user, $2 journey slug, $3 entry slug. The member's part of one entry:
-- their day 1 if they follow its journey (NULL if not), the entry's kind, its
-- place among the journey's days (the days before it in reading order, as
-- steps.sql orders them), and their done mark. Answered from indexes: a
-- member's entry page must not read every day of a long journey.
SELECT n.start_date, e.kind, e.slug AS entry_slug, e.title AS entry_title,
    e.week, e.day, e.publish_at,
    (SELECT COUNT(*) FROM entries p
     WHERE p.journey_id = e.journey_id AND p.kind = 'day'
       AND (p.week < e.week OR (p.week = e.week
            AND (p.day < e.day OR (p.day = e.day AND p.id < e.id))))) AS days_before,
    d.done_on, d.done_at
FROM journeys j
JOIN entries e ON e.journey_id = j.id AND e.slug = $3
LEFT JOIN enrolments n ON n.journey_id = j.id AND n.user_id = $1
LEFT JOIN step_done d ON d.user_id = $1 AND d.entry_id = e.id
WHERE j.slug = $2
