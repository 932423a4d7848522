-- $1 user, $2 journey id, $3 entry id. The member's day 1 on the journey
-- (no row when they do not follow it) and their done mark on the entry; the
-- entry's place among the journey's days comes from its outline in memory.
SELECT n.start_date, d.entry_id, d.done_on, d.done_at
FROM enrolments n
LEFT JOIN step_done d ON d.user_id = n.user_id AND d.entry_id = $3
WHERE n.user_id = $1 AND n.journey_id = $2
