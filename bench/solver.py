"""Benchmark: the timetable engine vs its greedy first timetable on every example instance.

    python bench/solver.py [--quick] [--instances small cstm-2021] [--limits 10 60] [--workers 2]

Each solve runs in its own subprocess so that its peak memory is its own; every schedule is checked by
scheduler.check_screenings inside the benchmark.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "data" / "instances"
ORDER = ["small", "cstm-2021", "cstm-2021-resolve", "cstm-stress", "alliance"]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from scheduler import check_screenings, greedy_schedule, read_instance, solve
mode, path, limit, workers = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
started = time.monotonic()
inst = read_instance(path)
first = []
out = {"films": len(inst.films)}
if mode == "greedy":
    screenings = greedy_schedule(inst)
    out.update(status="feasible", bound=None)
else:
    def progress(p):
        if p.objective is not None and not first:
            first.append(time.monotonic() - started)
    result = solve(inst, time_limit=limit, workers=workers, on_progress=progress)
    screenings = list(result.screenings)
    out.update(status=result.status, bound=result.bound, claimed=result.objective)
report = check_screenings(inst, screenings)
out.update(
    seconds=time.monotonic() - started,
    first=first[0] if first else time.monotonic() - started,
    objective=report.objective,
    valid=report.valid,
    screenings=len(screenings),
    shortfall=report.shortfall,
    changes=report.changes,
    # the solver's own peak plus the largest of its child processes (the relaxations of
    # scheduler.improve.relaxation_process, which run at the same time as it): an upper estimate of the
    # memory in use at once
    peak_mb=(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * (2 if workers > 1 else 1)
    ) / 1024,
)
print(json.dumps(out))
"""


def run(mode: str, name: str, limit: float, workers: int) -> dict:
    """One solve in a fresh process; returns its measurements."""
    cmd = [
        sys.executable,
        "-c",
        CHILD,
        str(ROOT),
        mode,
        str(INSTANCES / f"{name}.json"),
        str(limit),
        str(workers),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 3 + 600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gap(objective, bound) -> str:
    if bound is None:
        return "-"
    return f"{100 * max(0, bound - objective) / max(1, abs(bound)):.2f}%"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="*", default=ORDER)
    parser.add_argument("--limits", nargs=2, type=float, default=[10.0, 60.0], metavar=("SHORT", "LONG"))
    parser.add_argument("--quick", action="store_true", help="limits of 3 s and 10 s")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    short, long = (3.0, 10.0) if args.quick else args.limits
    rows = []
    began = time.monotonic()
    for name in args.instances:
        g = run("greedy", name, 0, 1)
        a = run("engine", name, short, args.workers)
        b = run("engine", name, long, args.workers)
        for r in (g, a, b):
            if not r["valid"]:
                raise SystemExit(f"INVALID schedule on {name}: {r}")
            if r.get("bound") is not None and r["bound"] < r["objective"]:
                raise SystemExit(f"bound below a valid objective on {name}: {r}")
        better = 100 * (b["objective"] - g["objective"]) / max(1, abs(g["objective"]))
        rows.append((name, g, a, b, better))
        print(f"# {name} done ({time.monotonic() - began:.0f} s)", file=sys.stderr, flush=True)
    s, lg = f"{short:g} s", f"{long:g} s"
    print(
        f"| instance | films | screenings | first valid | objective @{s} | bound @{s} | gap @{s} "
        f"| objective @{lg} | bound @{lg} | gap @{lg} | status @{lg} | greedy objective | engine vs greedy "
        f"| shortfall | peak RSS |"
    )
    print("|" + "---|" * 15)
    for name, g, a, b, better in rows:
        print(
            f"| {name} | {b['films']} | {b['screenings']} | {b['first']:.2f} s | {a['objective']} "
            f"| {a['bound']} | {gap(a['objective'], a['bound'])} | {b['objective']} | {b['bound']} "
            f"| {gap(b['objective'], b['bound'])} "
            f"| {b['status']} | {g['objective']} | {better:+.2f}% | {b['shortfall']} "
            f"| {max(a['peak_mb'], b['peak_mb']):.0f} MB |"
        )
    print()
    print("Growth with size (long limit): films -> wall seconds, gap")
    for name, _g, _a, b, _ in rows:
        print(f"- {name}: {b['films']} films -> {b['seconds']:.1f} s, gap {gap(b['objective'], b['bound'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
