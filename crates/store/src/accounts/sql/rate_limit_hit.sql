-- $1 key, $2 now, $3 now less the window. A window that began at or before $3
-- has closed: start a new one at $2. Both assignments read the row as it was.
INSERT INTO rate_limits (key, window_start, hits)
VALUES ($1, $2, 1)
ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END,
    hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END
RETURNING window_start, hits
