#!/usr/bin/env python3
"""Hostile and careless clients, for bench/attack/run.sh: floods of URLs,
idle and slow connections, readers that never read. Loopback only; every
mode stops by itself after --duration seconds.

    attack.py urls --base http://127.0.0.1:8080 --kind api-repeat --concurrency 32 --duration 15
    attack.py idle --host 127.0.0.1 --port 8080 --count 20000 --sources 100 --duration 15
    attack.py slowloris --host 127.0.0.1 --port 8080 --count 2000 --duration 15
    attack.py slowread --host 127.0.0.1 --port 8080 --path /bible/Ps.1-Ps.40 --count 200 --duration 40

Prints one JSON object: what was sent and how the server answered.
"""
import argparse
import asyncio
import collections
import json
import random
import resource
import socket
import time
import urllib.parse

BOOK_CHAPTERS = {"Gen": 50, "Exod": 40, "Ps": 150, "Isa": 66, "Jer": 52, "Matt": 28, "Luke": 24, "John": 21, "Acts": 28, "Rom": 16}


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(hard, 65536), max(hard, 65536)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def url_maker(kind, rng):
    """Returns (method, path, headers) for request number n."""
    many_gen_rev = ",".join(["Gen-Rev"] * 1000)
    many_page = ",".join(["Gen-Rev"] * 100)
    lookup = urllib.parse.quote_plus("; ".join(["Gen 1-Rev 22"] * 50))
    # Single verses that do not merge (every other verse; every chapter of
    # Genesis has at least 16): 400 ranges in a 4 KB address.
    singles = ",".join(f"Gen.{c}.{v}" for c in range(1, 51) for v in range(1, 16, 2))
    # 6,000 of them: a 60 KB address.
    singles_huge = ",".join([singles] * 15)

    def make(n):
        if kind == "api-repeat":
            return "GET", f"/api/passages/{many_gen_rev}", {}
        if kind == "page-repeat":
            return "GET", f"/bible/{many_page}", {}
        if kind == "lookup":
            return "GET", f"/bible?ref={lookup}", {}
        if kind == "many-ranges":
            return "GET", f"/bible/{singles}", {}
        if kind == "huge-url":
            return "GET", f"/bible/{singles_huge}", {}
        if kind == "other-books":
            book = rng.choice(list(BOOK_CHAPTERS))
            return "GET", f"/bible/{book}-Rev", {}
        if kind == "distinct-large":
            book = rng.choice(list(BOOK_CHAPTERS))
            last = BOOK_CHAPTERS[book]
            a = rng.randint(1, last)
            b = min(last, a + rng.randint(0, 30))
            t = rng.choice(["", "?translation=kjv", "?translation=asv", "?translation=web"])
            return "GET", f"/bible/{book}.{a}-{book}.{b}{t}", {}
        if kind == "api-distinct":
            book = rng.choice(list(BOOK_CHAPTERS))
            a = rng.randint(1, BOOK_CHAPTERS[book])
            return "GET", f"/api/passages/{book}.{a}-Rev.22.21", {}
        if kind == "cache-query":
            return "HEAD", f"/bible/Ps.23?x={n}", {}
        if kind == "cache-query-home":
            return "GET", f"/?x={n}", {}
        if kind == "cache-cookie":
            return "HEAD", "/", {"Cookie": f"translation=t{n}"}
        if kind == "cache-chapters":
            book = rng.choice(list(BOOK_CHAPTERS))
            c = rng.randint(1, BOOK_CHAPTERS[book])
            t = rng.choice(["asv", "kjv", "web"])
            return "HEAD", f"/bible/{book}.{c}?translation={t}", {}
        if kind == "expensive":
            return "GET", "/bible/Ps.1-Ps.40", {}
        raise SystemExit(f"unknown kind {kind}")

    return make


async def read_response(reader, method):
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split()[1])
    length = 0
    close = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        if name.lower() == "connection" and "close" in value.lower():
            close = True
    if method != "HEAD" and length:
        await reader.readexactly(length)
    return status, close


async def urls(args):
    parsed = urllib.parse.urlparse(args.base)
    host, port = parsed.hostname, parsed.port
    rng = random.Random(args.seed)
    make = url_maker(args.kind, rng)
    counter = iter(range(10**12))
    statuses = collections.Counter()
    errors = collections.Counter()
    deadline = time.monotonic() + args.duration

    async def worker():
        reader = writer = None
        while time.monotonic() < deadline:
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                method, path, headers = make(next(counter))
                head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
                writer.write(head.encode())
                await writer.drain()
                status, close = await asyncio.wait_for(read_response(reader, method), timeout=args.timeout)
                statuses[status] += 1
                if close:
                    writer.close()
                    writer = None
            except Exception as e:  # noqa: BLE001 - every failure is counted
                errors[type(e).__name__] += 1
                if writer is not None:
                    writer.close()
                writer = None
                await asyncio.sleep(0.01)
        if writer is not None:
            writer.close()

    await asyncio.gather(*(worker() for _ in range(args.concurrency)))
    return {"kind": args.kind, "requests": sum(statuses.values()), "statuses": dict(statuses), "errors": dict(errors)}


async def hold(args, trickle):
    """Opens --count connections spread over --sources loopback addresses and
    keeps them open (sending nothing, or one header byte every few seconds),
    reopening those the server closes, until the deadline."""
    raise_fd_limit()
    deadline = time.monotonic() + args.duration
    opened = refused = closed_by_server = failed = held = 0
    sources = [f"127.0.{1 + i // 250}.{2 + i % 250}" for i in range(args.sources)]

    async def one(i):
        nonlocal opened, refused, closed_by_server, failed, held
        source = sources[i % len(sources)]
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.open_connection(args.host, args.port, local_addr=(source, 0))
            except OSError:
                failed += 1
                await asyncio.sleep(0.5)
                continue
            opened += 1
            try:
                if trickle:
                    writer.write(b"GET / HTTP/1.1\r\n")
                while True:
                    if time.monotonic() >= deadline:
                        held += 1
                        break
                    if trickle:
                        writer.write(b"X")
                        await writer.drain()
                    try:
                        got = await asyncio.wait_for(reader.read(64), timeout=max(0.1, min(5, deadline - time.monotonic())))
                    except asyncio.TimeoutError:
                        continue  # still open, as the attacker wants
                    if got.startswith(b"HTTP/1.1 503"):
                        refused += 1
                        break
                    if not got or got.startswith(b"HTTP/1.1 408"):
                        closed_by_server += 1
                        break
            except OSError:
                closed_by_server += 1
            finally:
                writer.close()
            await asyncio.sleep(0.2)

    await asyncio.gather(*(one(i) for i in range(args.count)))
    return {"kind": "slowloris" if trickle else "idle", "connections": args.count, "sources": len(sources),
            "opened": opened, "refused_503": refused, "closed_by_server": closed_by_server, "connect_failed": failed,
            "held_at_end": held}


async def slowread(args):
    """Asks for a large page on --count connections and never reads it."""
    raise_fd_limit()
    socks = []
    for i in range(args.count):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.bind((f"127.0.0.{3 + i // 250}", 0))
        try:
            s.connect((args.host, args.port))
            s.sendall(f"GET {args.path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            socks.append(s)
        except OSError:
            s.close()
    await asyncio.sleep(args.duration)
    still_open = 0
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(1, socket.MSG_PEEK)
            still_open += 1 if data else 0
        except BlockingIOError:
            still_open += 1
        except OSError:
            pass
        s.close()
    return {"kind": "slowread", "connections": len(socks), "still_open_at_end": still_open}


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    u = sub.add_parser("urls")
    u.add_argument("--base", required=True)
    u.add_argument("--kind", required=True)
    u.add_argument("--concurrency", type=int, default=32)
    u.add_argument("--duration", type=float, default=15)
    u.add_argument("--timeout", type=float, default=30)
    u.add_argument("--seed", type=int, default=20261128)
    for name in ("idle", "slowloris"):
        h = sub.add_parser(name)
        h.add_argument("--host", default="127.0.0.1")
        h.add_argument("--port", type=int, required=True)
        h.add_argument("--count", type=int, default=1000)
        h.add_argument("--sources", type=int, default=1)
        h.add_argument("--duration", type=float, default=15)
    s = sub.add_parser("slowread")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--path", required=True)
    s.add_argument("--count", type=int, default=200)
    s.add_argument("--duration", type=float, default=40)
    args = p.parse_args()
    if args.mode == "urls":
        result = asyncio.run(urls(args))
    elif args.mode in ("idle", "slowloris"):
        result = asyncio.run(hold(args, args.mode == "slowloris"))
    else:
        result = asyncio.run(slowread(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
