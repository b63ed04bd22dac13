"""Benchmark: the first timetable (scheduler/first/) on families of generated instances, this engine and
another side by side on each instance (so both share the machine's load).

    python bench/first.py --compare /tmp/engine-before [--family cstm four alliance] [--count 6]
        [--seed 7700] [--v2 tour hybrid] [--v2-count 4] [--v2-seed 7900] [--national 7100]

Per instance and engine, in a fresh process each: the first timetable the pipeline builds (the whole
greedy, or venue by venue past ``WHOLE_GREEDY_PLACES``) timed alone after reading the file (imports it
triggers included), its objective (checked by ``scheduler.check_screenings``), and a relaxation lane's
filler (``build_slots``, ``film_options`` and ``Filler`` for every film, as ``improve/relaxation.py``
builds it). ``--national SEED``: each part of the national instance (2,400 films, 32 venues) as an
instance of its own (``scheduler.parts``). Families are made and cached as by ``bench/solver.py``;
version-2 ones (``--v2``) in a temporary folder under seeds of their own. The table: per family and
engine, median and worst seconds, the objectives' sum, and on how many instances the two engines built
the same timetable.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.solver import TOOLS, family_instance, make_family, uptime  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, sys, time
import numpy  # loaded first for both engines: the improvement loads it in any case (0.1 s once)
sys.path.insert(0, sys.argv[1])
from scheduler import check_screenings, read_instance
from scheduler.first.venues import venue_first_schedule, venue_first_wanted, whole_greedy_fits
from scheduler.first.greedy import Filler, greedy_schedule
from scheduler.first.slots import build_slots, film_options
inst = read_instance(sys.argv[2])
if sys.argv[3] != "-":
    from scheduler.parts import part_instance, split
    inst = part_instance(inst, split(inst)[int(sys.argv[3])])
started = time.perf_counter()
venue_first = venue_first_wanted(inst) and not whole_greedy_fits(inst)
screenings = (venue_first_schedule if venue_first else greedy_schedule)(inst)
seconds = time.perf_counter() - started
report = check_screenings(inst, screenings)
started = time.perf_counter()
slots = build_slots(inst)
Filler(inst, film_options(inst, slots), slots=slots)
filler = time.perf_counter() - started
keys = json.dumps([[s.start, s.theater, s.film, s.print] for s in screenings])
print(json.dumps({"seconds": seconds, "filler": filler, "objective": report.objective,
                  "valid": report.valid, "venue_first": venue_first, "films": len(inst.films),
                  "hash": hashlib.sha256(keys.encode()).hexdigest()}))
"""


def first(root: Path, path: Path, part: int | None) -> dict:
    """The first timetable of the instance (or of its part) by the engine under ``root``."""
    cmd = [sys.executable, "-c", CHILD, str(root), str(path), "-" if part is None else str(part)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{path.name} failed:\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["valid"]:
        raise SystemExit(f"INVALID first timetable on {path.name}: {out}")
    return out


def national_parts(seed: int) -> list[tuple[str, Path, int]]:
    sys.path.insert(0, str(ROOT))
    from scheduler import read_instance
    from scheduler.parts import split

    path = family_instance("national", seed)
    return [(f"national-{seed} part {p.index}", path, p.index) for p in split(read_instance(path))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", required=True, help="a directory with another scheduler/")
    parser.add_argument("--family", nargs="*", default=["cstm", "four", "alliance"])
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7700)
    parser.add_argument("--v2", nargs="*", default=["tour", "hybrid"], choices=["tour", "hybrid"])
    parser.add_argument("--v2-count", type=int, default=4)
    parser.add_argument("--v2-seed", type=int, default=7900)
    parser.add_argument("--national", type=int, help="seed of the national instance (its parts)")
    args = parser.parse_args(argv)
    engines = [("now", ROOT), ("before", Path(args.compare))]
    print(f"load average at start: {uptime()}", flush=True)
    groups: dict[str, list[tuple[str, Path, int | None]]] = {}
    for family in args.family:
        for k in range(args.count):
            path = family_instance(family, args.seed + k)
            groups.setdefault(family, []).append((path.stem, path, None))
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.v2:
            paths = make_family(TOOLS, Path(tmp), kind, args.v2_count, 150, 4, 48, args.v2_seed)
            groups[kind] = [(p.stem, p, None) for p in paths]
        if args.national is not None:
            groups["national part"] = national_parts(args.national)
        began = time.monotonic()
        rows = []
        for group, items in groups.items():
            results = {name: [] for name, _ in engines}
            for label, path, part in items:
                for name, root in engines:
                    results[name].append(first(root, path, part))
                now, before = results["now"][-1], results["before"][-1]
                print(
                    f"# {label} ({now['films']} films): now {now['seconds']:.2f} s {now['objective']}, "
                    f"before {before['seconds']:.2f} s {before['objective']}, filler {now['filler']:.2f} s "
                    f"/ {before['filler']:.2f} s, load {uptime()} ({time.monotonic() - began:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
            same = sum(a["hash"] == b["hash"] for a, b in zip(results["now"], results["before"], strict=True))
            rows.append((group, results, same))
    print(f"load average at end: {uptime()}")
    print()
    print(
        "| family | n | engine | first timetable median | worst | objective (sum) | same timetable "
        "| lane's filler median | worst |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for group, results, same in rows:
        for name, _ in engines:
            res = results[name]
            secs, fill = [r["seconds"] for r in res], [r["filler"] for r in res]
            print(
                f"| {group} | {len(res)} | {name} | {statistics.median(secs):.3f} s | {max(secs):.3f} s "
                f"| {sum(r['objective'] for r in res):,} | {same} of {len(res)} "
                f"| {statistics.median(fill):.3f} s | {max(fill):.3f} s |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
