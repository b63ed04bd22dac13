"""Faults: PostgreSQL restarted in the middle of a deadline rush, then checked for losses.

Starts the stack of bench/load_deadline.py (PostgreSQL, Redis, gunicorn with 2 workers on loopback),
signs N filmmakers in (the `script` client: the step page's script, saving in place), starts their
rush and, `--after` seconds into it, restarts PostgreSQL: a fast shutdown, which ends every session
and aborts every open transaction, then a start (bench/stack.py, restart_postgres). A request answered
503 ("the database is not answering; what you sent was not saved") is sent again a moment later, as the
page asks. Afterwards: how many requests were answered 503 and over how long, any other error, and the
database check of load_deadline.py (every entry submitted once with its own reference and one receipt;
every acknowledged save kept).

    .venv/bin/python bench/fault_database_restart.py [--users 128] [--concurrency 16] [--saves 5]
                                                     [--after 1.0]
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load_deadline import (  # noqa: E402
    Filmmaker,
    check,
    clean,
    filmmakers_into,
    pct,
    run_phase,
    rush_parser,
)
from bench.stack import restart_postgres, stack  # noqa: E402


def main() -> None:
    """Run the rush with a restart in it and print the table."""
    parser = rush_parser(__doc__, users=128)
    parser.add_argument("--after", type=float, default=1.0, help="seconds into the rush")
    args = parser.parse_args()
    setup: dict = {}
    with stack(workers=2, threads=2, prepare=filmmakers_into(setup, args.users)) as s:
        port = int(s["base"].rsplit(":", 1)[1])
        timings: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        sent: dict[int, str] = {}
        unavailable: list[tuple[float, str]] = []
        filmmakers = [
            Filmmaker(port, user, setup["password"], "script", timings, errors, sent, unavailable)
            for user in setup["users"]
        ]
        run_phase(filmmakers, Filmmaker.sign_in, args.concurrency)
        timings.clear()
        restart: dict[str, float] = {}

        def restart_later(t0: float) -> None:
            time.sleep(args.after)
            restart["start"] = time.perf_counter() - t0
            restart_postgres(s["tmp"])
            restart["end"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        restarter = threading.Thread(target=restart_later, args=(t0,))
        restarter.start()
        rush = run_phase(filmmakers, lambda one: one.rush(args.saves), args.concurrency)
        restarter.join()
        verdict = check(s["env"], setup["users"], sent)
    report(args, rush, restart, timings, unavailable, t0, errors, verdict)


def report(args, rush, restart, timings, unavailable, t0, errors, verdict) -> None:
    print(
        f"\nDatabase restarted during a deadline rush: {args.users} filmmakers, {args.concurrency} at "
        f"once, {args.saves} saves + 2 submits each, the step page's script; gunicorn 2 workers x 2 threads"
    )
    if "end" not in restart:
        print(f"the rush ended ({rush['wall']:.1f} s) before the restart: use a smaller --after")
    print(
        f"PostgreSQL restart: from {restart.get('start', 0):.2f} s to {restart.get('end', 0):.2f} s "
        f"into the rush, which took {rush['wall']:.1f} s"
    )
    answered = Counter(kind for _, kind in unavailable)
    moments = [when - t0 for when, _ in unavailable]
    print("\n| kind | responses | p50 ms | p95 ms | of them 503 (then sent again) |")
    print("|---|---|---|---|---|")
    for kind in ("draft save", "submit", "review page"):
        v = timings.get(kind, [])
        print(f"| {kind} | {len(v)} | {pct(v, 0.5):.1f} | {pct(v, 0.95):.1f} | {answered[kind]} |")
    if moments:
        print(f"\n503 answers from {min(moments):.2f} s to {max(moments):.2f} s into the rush")
    print(f"other errors: {len(errors)} {errors[:5]}")
    print(f"check: {verdict} -> {'clean' if clean(verdict) else 'FAILED'}")


if __name__ == "__main__":
    main()
