-- Claim the next ready job of a queue: pending and due, or running with a lease
-- that ran out (its worker died). PostgreSQL: SKIP LOCKED lets concurrent
-- claimers pass over a row another claimer is taking, so no two get the same one.
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
    FOR UPDATE SKIP LOCKED
)
RETURNING id, kind, payload, attempts, max_attempts
