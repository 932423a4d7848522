-- Claim the next ready job of a queue: pending and due, or running with a lease
-- that ran out (its worker died). SQLite: run inside BEGIN IMMEDIATE, which holds
-- the only write lock, so no two claimers can pick the same row.
UPDATE jobs
SET state = 'running',
    attempts = attempts + 1,
    lease_token = $1,
    locked_by = $2,
    locked_until = $3,
    updated_at = $4
WHERE id = (
    SELECT id FROM jobs
    WHERE queue = $5
      AND ((state = 'pending' AND run_at <= $4)
        OR (state = 'running' AND locked_until < $4 AND attempts < max_attempts))
    ORDER BY run_at, id
    LIMIT 1
)
RETURNING id, kind, payload, attempts, max_attempts
