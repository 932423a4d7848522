-- A job whose last allowed attempt lost its worker (the lease ran out) goes to
-- the dead letters instead of running once more.
UPDATE jobs
SET state = 'dead',
    last_error = 'the worker stopped before finishing (lease expired) on the last allowed attempt',
    lease_token = NULL,
    locked_by = NULL,
    locked_until = NULL,
    updated_at = $1,
    finished_at = $1
WHERE queue = $2
  AND state = 'running'
  AND locked_until < $1
  AND attempts >= max_attempts
