"""Publication day: concurrent readers of the public programme of a 2,000-screening timetable.

Starts PostgreSQL, Redis and gunicorn (2 workers) on loopback (bench/stack.py), imports
data/instances/cstm-stress.json as an edition and publishes its solved timetable (2,171 screenings),
then runs wrk against the public pages and prints a table. Needs root and wrk (apt-get install wrk).

    .venv/bin/python bench/load_programme.py [--seconds 10] [--connections 16] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stack import ROOT, VENV_BIN, stack  # noqa: E402

LUA = Path(__file__).with_name("wrk_report.lua")
TARGET_P95_MS = 100.0


def prepare(env: dict) -> None:
    """Import the 200-film stress edition and publish a solved timetable for it."""
    cmd = [
        str(VENV_BIN / "flask"), "demo", "import-instance", "data/instances/cstm-stress.json",
        "--slug", "stress", "--owner", "distributor@demo.festival", "--publish", "--time-limit", "10",
    ]  # fmt: skip
    subprocess.run(cmd, check=True, env=env, cwd=ROOT)


def wrk(url: str, seconds: int, connections: int) -> dict:
    """Run wrk with two threads and return its JSON summary."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA), url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    """Run the scenarios and print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/load_programme.py needs wrk: apt-get install wrk (as root)")
    with stack(workers=2, threads=args.threads, prepare=prepare) as s:
        base = s["base"]
        with urllib.request.urlopen(f"{base}/programme/stress/") as r:  # noqa: S310 (loopback)
            html = r.read().decode()
        film_id = html.split("/programme/stress/film/", 1)[1].split('"', 1)[0].split("?", 1)[0]
        scenarios = [
            ("day page, busiest Saturday", f"{base}/programme/stress/?day=2021-05-01"),
            ("day page, filtered (dome)", f"{base}/programme/stress/?day=2021-04-17&format=dome"),
            ("film page", f"{base}/programme/stress/film/{film_id}"),
            ("schedule.xml (whole programme)", f"{base}/programme/stress/schedule.xml"),
            ("API: a day's screenings (page 1)", f"{base}/api/v1/editions/stress/screenings?day=2021-05-01"),
            ("home page", f"{base}/"),
        ]
        rows = []
        for name, url in scenarios:
            started = time.perf_counter()
            with urllib.request.urlopen(url) as r:  # noqa: S310 (loopback) warm-up and sanity check
                assert r.status == 200, (url, r.status)
                size = len(r.read())
            first_ms = (time.perf_counter() - started) * 1000
            rows.append((name, first_ms, size, wrk(url, args.seconds, args.connections)))
    print(
        f"\nPublic programme under load: gunicorn 2 workers x {args.threads} threads, PostgreSQL, "
        f"wrk -t2 -c{args.connections}"
    )
    print(f"(2,171 published screenings; target p95 < {TARGET_P95_MS:.0f} ms on the day page)\n")
    print("(first answer: the one request before the run, which builds the page or feed in one worker)\n")
    print("| scenario | bytes | first answer ms | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, first_ms, size, r in rows:
        print(
            f"| {name} | {size:,} | {first_ms:.0f} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | "
            f"{r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} |"
        )


if __name__ == "__main__":
    main()
