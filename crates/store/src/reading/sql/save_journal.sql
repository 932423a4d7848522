-- $1 user, $2 journey id, $3 entry slug, $4 item, $5 body, $6 now. Through
-- the users table, so that an unknown account writes nothing.
INSERT INTO journal (user_id, journey_id, entry_slug, item, body, created_at, updated_at)
SELECT u.id, $2, $3, $4, $5, $6, $6 FROM users u WHERE u.id = $1
ON CONFLICT (user_id, journey_id, entry_slug, item) DO UPDATE SET
    body = excluded.body,
    updated_at = excluded.updated_at
RETURNING created_at, updated_at
