"""Benchmark: the timetable engine vs its greedy first timetable on every example instance.

    python bench/solver.py [--quick] [--instances small cstm-2021] [--limits 10 60] [--workers 2]
    python bench/solver.py --v2 [--family 10] [--limit 60] [--films 150] [--venues 4] [--tools DIR]

Each solve runs in its own subprocess so that its peak memory is its own; every schedule is checked by
scheduler.check_screenings inside the benchmark.

``--v2``: families of version-2 instances made by the shared tools (``gen_instance.py`` then
``make_v2.py tour|hybrid``, ``--family`` of each kind, under seeds of their own, the tours with more
prints or more transit days in turn); per instance the engine at ``--limit``, the greedy baseline and,
for a tour, the engine on the same films with the prints ignored (digital, as many copies as prints:
what touring costs), all in the same run; medians and worst cases per kind.
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

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT / "data" / "instances"
ORDER = [
    "small",
    "cstm-2021",
    "cstm-2021-resolve",
    "cstm-stress",
    "alliance",
    "alliance-tour",
    "cstm-2021-hybrid",
]

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


def run(mode: str, name: str | Path, limit: float, workers: int) -> dict:
    """One solve in a fresh process (an example instance by name, or any instance file); returns its
    measurements."""
    path = name if isinstance(name, Path) else INSTANCES / f"{name}.json"
    cmd = [sys.executable, "-c", CHILD, str(ROOT), mode, str(path), str(limit), str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 3 + 600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {name} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def gap(objective, bound) -> str:
    if bound is None:
        return "-"
    return f"{100 * max(0, bound - objective) / max(1, abs(bound)):.2f}%"


def make_family(tools: Path, out: Path, kind: str, size: int, films: int, venues: int) -> list[Path]:
    """``size`` version-2 instances of one kind (``tour`` or ``hybrid``) made by the shared tools under
    seeds of their own; every third tour has one more print per film with prints (at most 3), every
    third other one a day more between every two cities."""
    paths = []
    for k in range(size):
        seed = (1_000 if kind == "tour" else 2_000) + k
        v1, v2 = out / f"{kind}-{seed}-v1.json", out / f"{kind}-{seed}.json"
        places = ["--venues", str(venues), "--copies-max", "3"] if kind == "tour" else []
        gen = [sys.executable, str(tools / "gen_instance.py"), "--seed", str(seed), "--films", str(films)]
        v1.write_text(subprocess.run(gen + places, capture_output=True, text=True, check=True).stdout)
        subprocess.run(
            [sys.executable, str(tools / "make_v2.py"), kind, str(v1), str(v2), str(seed)], check=True
        )
        data = json.loads(v2.read_text())
        if kind == "tour" and k % 3 == 1:
            for f in data["films"]:
                if f.get("prints"):
                    f["prints"] = min(3, f["prints"] + 1)
        elif kind == "tour" and k % 3 == 2:
            transit = data["transit_days"]
            transit["default"] += 1
            transit["pairs"] = [[a, b, days + 1] for a, b, days in transit["pairs"]]
        v2.write_text(json.dumps(data))
        paths.append(v2)
    return paths


def digital(path: Path) -> Path:
    """The same instance with the prints ignored: every film digital, with as many copies as it had
    prints (the same screenings at once, no tours)."""
    data = json.loads(path.read_text())
    for f in data["films"]:
        prints = f.pop("prints", None)
        if prints:
            f["copies"] = prints
    out = path.with_name(path.stem + "-digital.json")
    out.write_text(json.dumps(data))
    return out


def _pct(part: float, whole: float) -> float:
    return 100 * part / max(1, abs(whole))


def main_v2(args) -> int:
    """The version-2 families: one table per kind, then medians and worst cases."""
    began = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("tour", "hybrid"):
            paths = make_family(args.tools, Path(tmp), kind, args.family, args.films, args.venues)
            rows = []
            for path in paths:
                g = run("greedy", path, 0, 1)
                e = run("engine", path, args.limit, args.workers)
                d = run("engine", digital(path), args.limit, args.workers) if kind == "tour" else None
                for r in (g, e, d):
                    if r is not None and not r["valid"]:
                        raise SystemExit(f"INVALID schedule on {path.name}: {r}")
                    if r is not None and r.get("bound") is not None and r["bound"] < r["objective"]:
                        raise SystemExit(f"bound below a valid objective on {path.name}: {r}")
                rows.append((path.stem, g, e, d))
                print(f"# {path.stem} done ({time.monotonic() - began:.0f} s)", file=sys.stderr, flush=True)
            _print_family(kind, rows, args.limit)
    return 0


def _print_family(kind: str, rows: list, limit: float) -> None:
    lim = f"{limit:g} s"
    touring = kind == "tour"
    head = (
        f"| {kind} | films | valid | first valid | objective @{lim} | bound @{lim} | gap @{lim} | vs greedy "
    )
    head += "| digital objective | touring costs |" if touring else "|"
    print(head)
    print("|" + "---|" * (10 if touring else 8))
    gaps, firsts, greedy_gains, costs = [], [], [], []
    for name, g, e, d in rows:
        gap_value = _pct(max(0, e["bound"] - e["objective"]), e["bound"]) if e["bound"] is not None else None
        gaps.append(gap_value if gap_value is not None else float("inf"))
        firsts.append(e["first"])
        greedy_gains.append(_pct(e["objective"] - g["objective"], g["objective"]))
        line = (
            f"| {name} | {e['films']} | {'yes' if e['valid'] else 'NO'} | {e['first']:.2f} s "
            f"| {e['objective']} | {e['bound']} | {gap(e['objective'], e['bound'])} "
            f"| {greedy_gains[-1]:+.2f}% |"
        )
        if touring:
            costs.append(_pct(d["objective"] - e["objective"], d["objective"]))
            line += f" {d['objective']} | {costs[-1]:.2f}% |"
        print(line)
    print()
    print(f"{kind}: {len(rows)} instances, every schedule valid")
    print(f"- first valid: median {statistics.median(firsts):.2f} s, worst {max(firsts):.2f} s")
    print(f"- gap @{lim}: median {statistics.median(gaps):.2f}%, worst {max(gaps):.2f}%")
    print(
        f"- engine vs greedy: median {statistics.median(greedy_gains):+.2f}%, worst {min(greedy_gains):+.2f}%"
    )
    if touring:
        print(
            f"- touring costs (digital objective - tour objective): median {statistics.median(costs):.2f}%, "
            f"worst {max(costs):.2f}%"
        )
    print()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", nargs="*", default=ORDER)
    parser.add_argument("--limits", nargs=2, type=float, default=[10.0, 60.0], metavar=("SHORT", "LONG"))
    parser.add_argument("--quick", action="store_true", help="limits of 3 s and 10 s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--v2", action="store_true", help="version-2 families (tours, hybrids) instead")
    parser.add_argument("--family", type=int, default=10, help="--v2: instances of each kind")
    parser.add_argument("--limit", type=float, default=60.0, help="--v2: seconds per solve")
    parser.add_argument("--films", type=int, default=150, help="--v2: films per instance")
    parser.add_argument("--venues", type=int, default=4, help="--v2: venues (cities) of a tour")
    parser.add_argument("--tools", type=Path, default=ROOT.parent / "shared" / "tools",
                        help="--v2: the folder of gen_instance.py and make_v2.py")  # fmt: skip
    args = parser.parse_args(argv)
    if args.v2:
        return main_v2(args)
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
