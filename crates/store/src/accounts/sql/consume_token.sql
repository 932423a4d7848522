-- $1 now, $2 token hash, $3 purpose. Marks the token used if it is unused,
-- unexpired, of this purpose and not for a disabled account; returns it then.
UPDATE login_tokens
SET used_at = $1
WHERE token_hash = $2
  AND purpose = $3
  AND used_at IS NULL
  AND expires_at > $1
  AND (user_id IS NULL OR user_id IN (SELECT id FROM users WHERE disabled = 0))
RETURNING user_id, email, created_at
