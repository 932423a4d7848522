#!/usr/bin/env python3
"""Writes the SQL that creates N members (default 10,000) straight into the
database, each with a live session, following one journey that began a few
days ago with its first days marked done, and the file of their raw tokens
for the load generators. The SQL runs unchanged on SQLite (`sqlite3`) and
PostgreSQL (`psql`); it is much faster than signing up 10,000 people through
the web forms, which is not what is measured here.

    members.py SQL_OUT TOKENS_OUT JOURNEY_SLUG [N] [START_DAYS_AGO] [DONE_STEPS]

TOKENS_OUT has one line per member: `n email session_token csrf_token`.
A session cookie carries 32 random bytes in URL-safe base64 without padding
(43 characters); the database keeps the lowercase hex SHA-256 of that text
(crates/store/src/accounts/secret.rs). The tokens come from a seeded
generator so that reruns create the same members; they sign nobody in
anywhere but this throwaway database.
"""
import base64
import datetime
import hashlib
import random
import sys
import time

sql_out, tokens_out, journey = sys.argv[1], sys.argv[2], sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
start_days_ago = int(sys.argv[5]) if len(sys.argv) > 5 else 3
done_steps = int(sys.argv[6]) if len(sys.argv) > 6 else 2
rng = random.Random(20261128)


def token():
    return base64.urlsafe_b64encode(rng.randbytes(32)).rstrip(b"=").decode()


now = int(time.time() * 1000)
far = now + 365 * 24 * 3600 * 1000
# Every member's time zone is UTC, so their "today" is the UTC date.
today = datetime.datetime.now(datetime.timezone.utc).date()
start = today - datetime.timedelta(days=start_days_ago)
assert "'" not in journey

rows = []
with open(tokens_out, "w") as f:
    for i in range(1, n + 1):
        email = f"member{i}@bench.invalid"
        session, csrf = token(), token()
        assert len(session) == 43 and len(csrf) == 43
        f.write(f"{i} {email} {session} {csrf}\n")
        rows.append((i, email, hashlib.sha256(session.encode()).hexdigest()))

with open(sql_out, "w") as f:
    f.write("BEGIN;\n")
    f.write("CREATE TEMP TABLE bench_members (n BIGINT PRIMARY KEY, email TEXT NOT NULL, token_hash TEXT NOT NULL);\n")
    for b in range(0, len(rows), 500):
        values = ",\n".join(f"({i}, '{e}', '{h}')" for i, e, h in rows[b:b + 500])
        f.write(f"INSERT INTO bench_members (n, email, token_hash) VALUES\n{values};\n")
    f.write(f"""
INSERT INTO users (email, display_name, time_zone, translation, role, disabled,
    email_verified_at, password_hash, created_at, updated_at)
SELECT m.email, 'Member ' || CAST(m.n AS TEXT), 'UTC', NULL, 'member', 0, {now}, NULL, {now}, {now}
FROM bench_members m ORDER BY m.n;

INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
SELECT m.token_hash, u.id, {now}, {now}, {far}, 'bench'
FROM bench_members m JOIN users u ON u.email = m.email;

INSERT INTO enrolments (user_id, journey_id, start_date, created_at, updated_at)
SELECT u.id, j.id, '{start.isoformat()}', {now}, {now}
FROM bench_members m JOIN users u ON u.email = m.email JOIN journeys j ON j.slug = '{journey}';
""")
    # Step k (1-based, reading order: week, day) falls on start + k - 1; the
    # first DONE_STEPS are marked done on their own day.
    for k in range(1, done_steps + 1):
        week, day = divmod(k - 1, 7)
        done_on = start + datetime.timedelta(days=k - 1)
        f.write(f"""
INSERT INTO step_done (user_id, entry_id, done_on, done_at)
SELECT u.id, e.id, '{done_on.isoformat()}', {now}
FROM bench_members m JOIN users u ON u.email = m.email
JOIN journeys j ON j.slug = '{journey}'
JOIN entries e ON e.journey_id = j.id AND e.kind = 'day' AND e.week = {week + 1} AND e.day = {day + 1};
""")
    f.write("DROP TABLE bench_members;\nCOMMIT;\n")
