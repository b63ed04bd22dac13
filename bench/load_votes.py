"""The viewers' prize at the exit of a full giant-screen show: N visitors vote within one minute.

Starts PostgreSQL, Redis and gunicorn (2 workers) on loopback (bench/stack.py), prepares N logged-in
visitors of the demo's 2021 edition who all planned the same giant-screen show (bench/vote_setup.py).
Visitor i arrives at i x 60 / N seconds: opens the vote page, rates the film (a random score) and, as a
double click, sends the same vote again at once; what the site told them is read from the messages its
session cookie carries to the next page.
Afterwards the database is compared with what each visitor was told: every "counted" vote is stored
once with its score, nothing else is stored, no visitor has two votes for one film.

    .venv/bin/python bench/load_votes.py [--voters 600] [--seconds 60] [--threads 2]
                                         [--port 58000] [--pg-port 55433] [--redis-port 56380]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import subprocess
import sys
import threading
import time
import zlib
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.htmlforms import page_forms  # noqa: E402
from bench.load_deadline import Browser, machine_cpu_seconds, pct  # noqa: E402
from bench.stack import ROOT, VENV_BIN, stack  # noqa: E402

COUNTED = "your rating is counted"
TARGET_P95_MS = 200.0


def voters_into(setup: dict, count: int):
    def prepare(env: dict) -> None:
        done = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bench.vote_setup", str(count)],
            env=env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"bench/vote_setup.py failed:\n{done.stderr[-3000:]}")
        setup.update(json.loads(done.stdout.strip().splitlines()[-1]))

    return prepare


def visit(port: int, slug: str, voter: dict, film: int, score: int, timings, errors, told) -> None:
    """One visitor (a timeout or a dropped connection is counted as an error, and the visitor gives up)."""
    try:
        _visit(port, slug, voter, film, score, timings, errors, told)
    except OSError as exc:
        errors.append(f"{voter['email']}: {type(exc).__name__}")


def _visit(port: int, slug: str, voter: dict, film: int, score: int, timings, errors, told) -> None:
    b = Browser(port, timings, errors)
    b.cookie = voter["cookie"]
    page = f"/audience/{slug}/vote"
    action = f"/audience/{slug}/vote/{film}"
    status, html, _ = b.request("GET", page, kind="vote page")
    fields = dict(page_forms(html).get(action, {}))
    if "csrf_token" not in fields:
        errors.append(f"{voter['email']}: no vote form for film {film} ({status})")
        return
    fields["score"] = str(score)
    for click in ("vote", "second click"):
        status, _, _ = b.request("POST", action, fields, kind=click)
        if status != 303 and status < 400:
            errors.append(f"{click} {status}")
    # what the next page would tell the visitor: the messages waiting in the (signed, readable) session
    # cookie, read here instead of asking for that page
    if COUNTED in _session_text(b.cookie):
        told[voter["email"]] = (film, score)
    b.conn.close()


def _session_text(cookie: str) -> str:
    """The JSON text of a Flask session cookie (itsdangerous: payload.timestamp.signature, the payload
    zlib-compressed when it starts with a dot)."""
    payload = cookie.split("=", 1)[1].split(".")
    compressed = payload[0] == ""
    data = base64.urlsafe_b64decode((payload[1] if compressed else payload[0]) + "==")
    return (zlib.decompress(data) if compressed else data).decode("utf-8", "replace")


def check(env: dict, slug: str) -> list:
    """(email, film, score) of every stored vote of the edition."""
    script = (
        "import json,sys\n"
        "from festival import create_app\n"
        "from festival.extensions import db\n"
        "from festival.models import Edition, User, ViewerVote\n"
        "with create_app().app_context():\n"
        "  e=db.session.scalar(db.select(Edition).where(Edition.slug==sys.argv[1]))\n"
        "  rows=db.session.execute(db.select(User.email,ViewerVote.entry_id,ViewerVote.score)"
        ".join(User,User.id==ViewerVote.user_id).where(ViewerVote.edition_id==e.id)).all()\n"
        "  print(json.dumps([list(r) for r in rows]))\n"
    )
    out = subprocess.run(
        [str(VENV_BIN / "python"), "-c", script, slug],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=600)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--port", type=int, default=58000, help="gunicorn's port")
    parser.add_argument("--pg-port", type=int, default=55433)
    parser.add_argument("--redis-port", type=int, default=56380)
    args = parser.parse_args()
    setup: dict = {}
    rng = random.Random(19)
    timings: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    told: dict[str, tuple[int, int]] = {}
    ports = {"port": args.port, "pg_port": args.pg_port, "redis_port": args.redis_port}
    with stack(workers=2, threads=args.threads, prepare=voters_into(setup, args.voters), **ports) as s:
        port = int(s["base"].rsplit(":", 1)[1])
        film, slug = setup["film"], setup["slug"]
        plan = [(v, film, rng.randint(1, 5)) for v in setup["voters"]]
        threads = []
        t0, cpu0 = time.perf_counter(), machine_cpu_seconds()
        for i, (voter, film, score) in enumerate(plan):
            pause = t0 + i * args.seconds / len(plan) - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            thread = threading.Thread(
                target=visit, args=(port, slug, voter, film, score, timings, errors, told)
            )
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(120)
        wall, cpu = time.perf_counter() - t0, machine_cpu_seconds() - cpu0
        stored = check(s["env"], slug)
    by_voter = defaultdict(list)
    for email, film, score in stored:
        by_voter[email].append((film, score))
    lost = sum(1 for email, vote in told.items() if by_voter.get(email) != [vote])
    untold = sum(1 for email in by_voter if email not in told)
    doubled = sum(1 for votes in by_voter.values() if len(votes) != len({f for f, _ in votes}))
    print(f"\nViewers' prize rush: {args.voters} visitors within {args.seconds:.0f} s, each: vote page, "
          "vote, the same vote again (a double click)")  # fmt: skip
    print(f"gunicorn 2 workers x {args.threads} threads, PostgreSQL, Redis rate limits, load generator on "
          "the same 2 cores\n")  # fmt: skip
    print("| request | count | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for kind in ("vote page", "vote", "second click"):
        v = timings.get(kind, [])
        print(f"| {kind} | {len(v)} | {pct(v, 0.5):.0f} | {pct(v, 0.95):.0f} | {pct(v, 0.99):.0f} | "
              f"{max(v) * 1000 if v else 0:.0f} |")  # fmt: skip
    print(f"\nwall {wall:.1f} s, machine CPU {cpu:.0f} s; errors: {len(errors)}")
    for e in errors[:10]:
        print("  ", e)
    print(f"told counted: {len(told)}; stored: {len(stored)}; lost: {lost}; stored but not told: {untold}; "
          f"counted twice: {doubled}")  # fmt: skip
    vote_p95 = pct(timings.get("vote", []), 0.95)
    verdict = "met" if vote_p95 < TARGET_P95_MS else "NOT met"
    print(f"vote p95 {vote_p95:.0f} ms: target p95 < {TARGET_P95_MS:.0f} ms {verdict}")


if __name__ == "__main__":
    main()
