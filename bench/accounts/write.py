#!/usr/bin/env python3
"""The write test: MEMBERS members at once, each on its own keep-alive
connection, for DURATION seconds, each alternating "mark a day done"
(`POST /journeys/J/E/done`) and "save a journal answer"
(`POST /journeys/J/E/journal`), every form with the member's anti-forgery
cookie, the same token in the `csrf` field, and the site's `Origin`, as a
browser sends them. Steps and journal items are drawn at random (seeded), so
a member may mark a day twice or rewrite an answer, as people do.

Why not wrk: to check that the database holds exactly what the server said
it saved, every response must be matched to its request, and no request may
still be in flight when the clock stops. Here each member sends one request
at a time and the run ends only when every member has its last answer.

    write.py run    BASE_URL TOKENS STEPS JOURNEY MEMBERS DURATION PROCS OUT.json
    write.py verify OUT.json TOKENS STEPS DONE_STEPS STEP_DONE.tsv JOURNAL.tsv

`run` forks PROCS processes (the generator needs more than one core's worth
of Python at a few thousand requests per second) and merges what they saw:
requests, statuses, latencies (exact percentiles), and the successes: each
(member, step) marked and the last text saved for each (member, entry, item).
A success is a 303 to the address the handler redirects to; anything else
(another status, or a 303 elsewhere, such as to the sign-in page) is an error.

`verify` compares that with the database, dumped by run.sh as tab-separated
rows: step_done (email, entry slug) and journal (email, entry slug, item,
body). Expected step_done rows: the DONE_STEPS first steps of every member
in TOKENS (made by members.py) plus every (member, step) marked; expected
journal rows: every (member, entry, item) saved, with the text of its last
save. Prints both comparisons and exits 1 when either differs.
"""
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.parse

ITEMS = ["q1", "p1", "note"]


def load_tokens(path, count=None):
    members = []
    with open(path) as f:
        for line in f:
            n, email, session, csrf = line.split()
            members.append((int(n), email, session, csrf))
            if count is not None and len(members) >= count:
                break
    return members


def load_steps(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


class Connection:
    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, raw):
        """Sends one request, returns (status, headers dict). Reconnects once
        when a kept-alive connection was closed by the server."""
        for attempt in (0, 1):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            try:
                self.writer.write(raw)
                await self.writer.drain()
                return await self.response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def response(self):
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        else:
            await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def post(host_header, origin, path, session, csrf, fields):
    body = urllib.parse.urlencode(fields + [("csrf", csrf)]).encode()
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host_header}\r\n"
        f"Origin: {origin}\r\n"
        f"Cookie: abide_session={session}; abide_csrf={csrf}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode() + body


async def member_loop(base, journey, steps, member, start_at, deadline, out):
    n, email, session, csrf = member
    url = urllib.parse.urlsplit(base)
    origin = f"{url.scheme}://{url.netloc}"
    conn = Connection(url.hostname, url.port)
    rng = random.Random(n)
    seq = 0
    await asyncio.sleep(max(0.0, start_at - time.time()))
    while time.time() < deadline:
        seq += 1
        step = rng.choice(steps)
        if seq % 2:
            kind = "done"
            path = f"/journeys/{journey}/{step}/done"
            fields = []
            expected = f"/journeys/{journey}/{step}"
        else:
            kind = "journal"
            item = rng.choice(ITEMS)
            text = f"Member {n}, {step}, {item}, save {seq}: what I noticed this morning was quiet."
            path = f"/journeys/{journey}/{step}/journal"
            fields = [(item, text)]
            expected = f"/journeys/{journey}/{step}?saved=journal#journal"
        raw = post(url.netloc, origin, path, session, csrf, fields)
        t0 = time.perf_counter()
        try:
            status, headers = await conn.request(raw)
        except Exception as e:  # a refused or reset connection is an error
            out["errors"].append(f"{kind} {email}: {type(e).__name__}: {e}")
            out["statuses"]["exception"] = out["statuses"].get("exception", 0) + 1
            conn.close()
            continue
        out["latencies"].append(time.perf_counter() - t0)
        key = str(status)
        out["statuses"][key] = out["statuses"].get(key, 0) + 1
        if status == 303 and headers.get("location") == expected:
            out["ok"][kind] += 1
            if kind == "done":
                out["done"].append([email, step])
            else:
                out["journal"][f"{email}\t{step}\t{item}"] = text
        else:
            out["ok"]["failed"] += 1
            if len(out["errors"]) < 20:
                out["errors"].append(f"{kind} {email} {path}: {status} {headers.get('location', '')}")
    conn.close()


async def run_slice(base, journey, steps, members, start_at, deadline):
    out = {"latencies": [], "statuses": {}, "errors": [], "done": [], "journal": {},
           "ok": {"done": 0, "journal": 0, "failed": 0}}
    await asyncio.gather(*(member_loop(base, journey, steps, m, start_at, deadline, out) for m in members))
    out["ended"] = time.time()
    return out


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def cmd_run(base, tokens, steps_file, journey, count, duration, procs, out_path):
    members = load_tokens(tokens, count)
    if len(members) < count:
        sys.exit(f"only {len(members)} members in {tokens}")
    start_at = time.time() + 1.5
    children = []
    for k in range(procs):
        part = f"{out_path}.part{k}"
        children.append((part, subprocess.Popen([
            sys.executable, __file__, "slice", base, tokens, steps_file, journey, str(count),
            str(duration), str(procs), str(k), str(start_at), part])))
    merged = {"latencies": [], "statuses": {}, "errors": [], "done": [], "journal": {},
              "ok": {"done": 0, "journal": 0, "failed": 0}, "ended": 0}
    for part, child in children:
        if child.wait() != 0:
            sys.exit(f"load generator process failed ({part})")
        with open(part) as f:
            got = json.load(f)
        os.unlink(part)
        merged["latencies"] += got["latencies"]
        for s, c in got["statuses"].items():
            merged["statuses"][s] = merged["statuses"].get(s, 0) + c
        merged["errors"] += got["errors"]
        merged["done"] += got["done"]
        merged["journal"].update(got["journal"])  # members do not overlap between slices
        for k2 in merged["ok"]:
            merged["ok"][k2] += got["ok"][k2]
        merged["ended"] = max(merged["ended"], got["ended"])
    lat = sorted(merged.pop("latencies"))
    elapsed = merged["ended"] - start_at
    total = len(lat) + merged["statuses"].get("exception", 0)
    summary = {
        "members": count, "duration": duration, "elapsed": round(elapsed, 3),
        "requests": total, "rps": round(total / elapsed, 1),
        "statuses": merged["statuses"], "ok": merged["ok"],
        "non_success": total - merged["ok"]["done"] - merged["ok"]["journal"],
        "p50_ms": round(percentile(lat, 50) * 1000, 2),
        "p90_ms": round(percentile(lat, 90) * 1000, 2),
        "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "max_ms": round(lat[-1] * 1000, 2) if lat else None,
        "errors": merged["errors"][:20],
    }
    merged["summary"] = summary
    with open(out_path, "w") as f:
        json.dump(merged, f)
    print(json.dumps(summary, indent=1))


def cmd_slice(base, tokens, steps_file, journey, count, duration, procs, k, start_at, out_path):
    members = load_tokens(tokens, count)[k::procs]
    steps = load_steps(steps_file)
    deadline = start_at + duration
    out = asyncio.run(run_slice(base, journey, steps, members, start_at, deadline))
    with open(out_path, "w") as f:
        json.dump(out, f)


def read_tsv(path, columns):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                parts = line.split("\t", columns - 1)
                if len(parts) != columns:
                    sys.exit(f"{path}: unexpected row {line!r}")
                rows.append(tuple(parts))
    return rows


def cmd_verify(out_path, tokens, steps_file, done_steps, step_done_tsv, journal_tsv):
    with open(out_path) as f:
        got = json.load(f)
    steps = load_steps(steps_file)
    emails = [m[1] for m in load_tokens(tokens)]
    seeded = {(e, s) for e in emails for s in steps[:done_steps]}
    marked = {tuple(p) for p in got["done"]}
    expected_done = seeded | marked
    db_done_rows = read_tsv(step_done_tsv, 2)
    db_done = set(db_done_rows)
    expected_journal = {tuple(k.split("\t")): v for k, v in got["journal"].items()}
    db_journal_rows = read_tsv(journal_tsv, 4)
    db_journal = {(e, s, i): b for e, s, i, b in db_journal_rows}

    ok_done = db_done == expected_done and len(db_done_rows) == len(db_done)
    new_rows = len(db_done - seeded)
    print(f"step_done: {got['summary']['ok']['done']} successful marks of "
          f"{len(marked)} distinct (member, day), {len(marked - seeded)} of them not seeded; "
          f"database: {len(db_done_rows)} rows = {len(seeded)} seeded + {new_rows} new; "
          f"expected {len(expected_done)}: {'EQUAL' if ok_done else 'DIFFERENT'}")
    if not ok_done:
        print(f"  missing from the database: {sorted(expected_done - db_done)[:5]} "
              f"({len(expected_done - db_done)}); unexpected: {sorted(db_done - expected_done)[:5]} "
              f"({len(db_done - expected_done)})")
    ok_journal = db_journal == expected_journal and len(db_journal_rows) == len(db_journal)
    same_text = sum(1 for k, v in expected_journal.items() if db_journal.get(k) == v)
    print(f"journal: {got['summary']['ok']['journal']} successful saves of "
          f"{len(expected_journal)} distinct (member, entry, item); database: "
          f"{len(db_journal_rows)} rows, {same_text} with the text of the last save: "
          f"{'EQUAL' if ok_journal else 'DIFFERENT'}")
    if not ok_journal:
        missing = set(expected_journal) - set(db_journal)
        extra = set(db_journal) - set(expected_journal)
        print(f"  missing: {sorted(missing)[:5]} ({len(missing)}); unexpected: {sorted(extra)[:5]} "
              f"({len(extra)}); texts differing: {len(expected_journal) - same_text - len(missing)}")
    sys.exit(0 if ok_done and ok_journal else 1)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "run":
        base, tokens, steps, journey, count, duration, procs, out = args
        cmd_run(base, tokens, steps, journey, int(count), float(duration), int(procs), out)
    elif cmd == "slice":
        base, tokens, steps, journey, count, duration, procs, k, start_at, out = args
        cmd_slice(base, tokens, steps, journey, int(count), float(duration), int(procs), int(k),
                  float(start_at), out)
    elif cmd == "verify":
        out, tokens, steps, done_steps, step_done_tsv, journal_tsv = args
        cmd_verify(out, tokens, steps, int(done_steps), step_done_tsv, journal_tsv)
    else:
        sys.exit(__doc__)
