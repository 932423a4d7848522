-- Record a failed attempt by the lease holder: back to pending at $4, or dead
-- when the attempts are used up or the failure is permanent ($5 = 1).
UPDATE jobs
SET state = CASE WHEN attempts >= max_attempts OR $5 = 1 THEN 'dead' ELSE 'pending' END,
    run_at = $4,
    last_error = $3,
    lease_token = NULL,
    locked_by = NULL,
    locked_until = NULL,
    updated_at = $6,
    finished_at = CASE WHEN attempts >= max_attempts OR $5 = 1 THEN $6 ELSE NULL END
WHERE id = $1 AND lease_token = $2 AND state = 'running'
RETURNING state
