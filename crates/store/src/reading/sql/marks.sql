-- $1 user. Every day the member marked done (a few rows: the journeys'
-- outlines in memory say which journey and step each is).
SELECT d.entry_id, d.done_on, d.done_at
FROM step_done d
WHERE d.user_id = $1
