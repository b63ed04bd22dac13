"""How fast "why here" answers (issue 18): ``scheduler.why_here`` on screenings of the example instances.

For each instance: the greedy first timetable, then ``why_here`` on a spread of its screenings (every k-th),
as a screening's page asks it. Prints the median and worst seconds (the other starts and the loss's two
local re-solves together), how many free and blocked starts were offered, and the loss's share of proven
optimal re-solves. Target: a second or two.

    .venv/bin/python bench/why_here.py [--instances small,cstm-2021,cstm-stress,alliance] [--samples 12]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scheduler  # noqa: E402

INSTANCES = Path(__file__).resolve().parent.parent / "data" / "instances"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", default="small,cstm-2021,cstm-stress,alliance")
    parser.add_argument("--samples", type=int, default=12, help="screenings asked per instance")
    args = parser.parse_args()
    print("| instance | screenings | asked | median | worst | free starts offered | blocked | loss proven |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in args.instances.split(","):
        instance = scheduler.read_instance(INSTANCES / f"{name}.json")
        screenings = sorted(scheduler.greedy_schedule(instance))
        step = max(1, len(screenings) // args.samples)
        times, free, blocked, proven, asked = [], 0, 0, 0, 0
        for s in screenings[::step][: args.samples]:
            started = time.perf_counter()
            why = scheduler.why_here(instance, screenings, s)
            times.append(time.perf_counter() - started)
            asked += 1
            free += sum(a.valid for a in why.alternatives)
            blocked += sum(not a.valid for a in why.alternatives)
            proven += bool(why.loss and why.loss.optimal)
        print(
            f"| {name} | {len(screenings)} | {asked} | {statistics.median(times):.2f} s | {max(times):.2f} s "
            f"| {free} | {blocked} | {proven} of {asked} |"
        )


if __name__ == "__main__":
    main()
