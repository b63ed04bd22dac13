"""Benchmark: the timetable engine against its greedy first timetable, on families of generated
instances (medians and worst cases) or on the example files.

    python bench/solver.py --family cstm [--count 10] [--seed 7100] [--limits 10 60] [--workers 2]
    python bench/solver.py --family cstm four alliance --compare /tmp/engine-before
    python bench/solver.py --instances small cstm-2021 [--quick]
    python bench/solver.py --national [--seed 7100] [--part-limit 60] [--pool 1 2 4]
    python bench/solver.py --v2 [--count 10] [--limit 60] [--films 150] [--hybrid-films 48] [--venues 4]

A family is ``--count`` instances made by ``../shared/tools/gen_instance.py`` (the file generator the
spec ships) under seeds ``--seed``, ``--seed + 1``, ...: ``cstm`` (48 to 150 films, one museum), ``four``
(200 films), ``alliance`` (600 films, 8 venues, up to 4 copies). The files are cached in
``bench/.families/`` (generating alliance-sized ones takes seconds). ``--compare ROOT`` runs a second
copy of the engine (a directory holding an older ``scheduler/``, e.g. ``git archive main scheduler | tar
-x -C ROOT``) on every instance right after this one, so before and after share the machine's load.

``--national``: one national-scale instance (2,400 films, 32 venues) split into its independent parts
(``scheduler.parts``), the parts solved by a pool of 1, 2 and 4 worker processes (each part with the
same ``--part-limit``), merged and checked as one timetable: wall time, speed-up over one worker, gap
and each worker's peak memory.

``--v2``: families of version-2 instances made by the shared tools (``gen_instance.py`` then
``make_v2.py tour|hybrid``, ``--count`` of each kind, under seeds of their own, the tours with more
prints or more transit days in turn); per instance the engine at ``--limit``, the greedy baseline and,
for a tour, the engine on the same films with the prints ignored (digital, as many copies as prints:
what touring costs), all in the same run; medians and worst cases per kind.

Each solve runs in its own process, so that its peak memory is its own; every schedule is checked by
``scheduler.check_screenings`` inside the benchmark, and every bound against the objective. Memory is
reported twice: the peak of the largest single process (the solver or one of its children: issue 18's
measure, from getrusage) and the peak of the whole process tree at once (the solver and its children,
their RSS summed every 0.15 s from /proc).
"""

from __future__ import annotations

import argparse
import json
import os
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
TOOLS = Path(os.environ.get("FESTIVAL_TOOLS", ROOT.parent / "shared" / "tools"))
CACHE = ROOT / "bench" / ".families"
# the generator's arguments of each size class; the number of films of "cstm" varies with the seed
FAMILIES = {
    "cstm": lambda seed: ["--films", str(48 + (seed * 37) % 103)],
    "four": lambda seed: ["--films", "200"],
    "alliance": lambda seed: ["--films", "600", "--venues", "8", "--copies-max", "4"],
    "national": lambda seed: ["--films", "2400", "--venues", "32", "--copies-max", "4"],
}

CHILD = r"""
import json, os, resource, sys, threading, time
sys.path.insert(0, sys.argv[1])
from scheduler import check_screenings, greedy_schedule, read_instance, solve
mode, path, limit, workers = sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])

def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmRSS"))
    except (OSError, StopIteration):
        return 0

def tree(pid):
    # the process and its descendants (children of any of its threads)
    out = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids = f.read().split()
        except OSError:
            continue
        for kid in kids:
            out += tree(int(kid))
    return out

tree_peak = [0]
sampled = threading.Event()
def sample():
    while not sampled.wait(0.15):
        tree_peak[0] = max(tree_peak[0], sum(rss_kb(p) for p in tree(os.getpid())))
threading.Thread(target=sample, daemon=True).start()
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
sampled.set()
report = check_screenings(inst, screenings)
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
largest_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # every child is reaped
out.update(
    seconds=time.monotonic() - started,
    first=first[0] if first else time.monotonic() - started,
    objective=report.objective,
    valid=report.valid,
    screenings=len(screenings),
    shortfall=report.shortfall,
    changes=report.changes,
    # issue 18's measure: the peak of the largest single process (the solver, or one of its children,
    # e.g. the relaxations of scheduler.improve.relaxation_process)
    peak_mb=max(own, largest_child) / 1024,
    # and the memory in use at once: the process and its children, sampled every 0.15 s
    tree_mb=max(tree_peak[0], own) / 1024,
)
print(json.dumps(out))
"""


def run(mode: str, path: Path, limit: float, workers: int, root: Path = ROOT) -> dict:
    """One solve in a fresh process (the engine under ``root``); returns its measurements."""
    cmd = [sys.executable, "-c", CHILD, str(root), mode, str(path), str(limit), str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit * 3 + 600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} on {path.name} failed:\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if not out["valid"]:
        raise SystemExit(f"INVALID schedule on {path.name}: {out}")
    if out.get("bound") is not None and out["bound"] < out["objective"]:
        raise SystemExit(f"bound below a valid objective on {path.name}: {out}")
    return out


def gap_value(objective, bound) -> float | None:
    if bound is None:
        return None
    return 100 * max(0, bound - objective) / max(1, abs(bound))


def gap(objective, bound) -> str:
    value = gap_value(objective, bound)
    return "-" if value is None else f"{value:.2f}%"


def family_instance(family: str, seed: int) -> Path:
    """The generated instance of ``family`` under ``seed`` (made once, then cached)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{family}-{seed}.json"
    if not path.exists():
        args = [sys.executable, str(TOOLS / "gen_instance.py"), "--seed", str(seed), *FAMILIES[family](seed)]
        text = subprocess.run(args, capture_output=True, text=True, check=True).stdout
        path.write_text(text)
    return path


def uptime() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def family_main(args) -> int:
    """Solve every instance of each family at both limits (and with the --compare engine) and print the
    per-family table of medians and worst cases."""
    short, long = args.limits
    now = Path(args.engine) if args.engine else ROOT
    engines = [("now", now)] + ([("before", Path(args.compare))] if args.compare else [])
    began = time.monotonic()
    print(f"load average at start: {uptime()}", flush=True)
    table = []
    for family in args.family:
        rows: dict[str, list[dict]] = {name: [] for name, _ in engines}
        for k in range(args.count):
            seed = args.seed + k
            path = family_instance(family, seed)
            g = run("greedy", path, 0, 1)
            limits = [short] if args.short_only else [short, long]
            for name, root in engines:
                res = {"seed": seed, "greedy": g}
                for limit in limits:
                    res[limit] = run("engine", path, limit, args.workers, root)
                rows[name].append(res)
                line = " ".join(
                    f"@{lim:g}s {res[lim]['objective']}/{res[lim]['bound']} "
                    f"({gap(res[lim]['objective'], res[lim]['bound'])})"
                    for lim in limits
                )
                print(
                    f"# {family} seed {seed} {name}: {g['films']} films, greedy {g['objective']}, {line}, "
                    f"first {res[short]['first']:.2f} s, load {uptime()} ({time.monotonic() - began:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        for name, _ in engines:
            table.append((family, name, rows[name], limits))
    print(f"load average at end: {uptime()}")
    print()
    head = "| family | engine | n | limit | gap median | gap worst | vs greedy median | vs greedy worst "
    head += "| vs long median | vs long worst | first valid median | first valid worst "
    head += "| largest process peak worst | tree peak worst |"
    print(head)
    print("|" + "---|" * 14)
    for family, name, rows, limits in table:
        for limit in limits:
            gaps = [gap_value(r[limit]["objective"], r[limit]["bound"]) for r in rows]
            gaps = [100.0 if x is None else x for x in gaps]
            better = [
                100
                * (r[limit]["objective"] - r["greedy"]["objective"])
                / max(1, abs(r["greedy"]["objective"]))
                for r in rows
            ]
            # how far this limit's timetable is below the long limit's (0 for the long limit itself)
            behind = [
                100
                * max(0, r[limits[-1]]["objective"] - r[limit]["objective"])
                / max(1, r[limits[-1]]["objective"])
                for r in rows
            ]
            firsts = [r[limit]["first"] for r in rows]
            peak = max(r[limit]["peak_mb"] for r in rows)
            at_once = max(r[limit].get("tree_mb", 0) for r in rows)
            print(
                f"| {family} | {name} | {len(rows)} | {limit:g} s "
                f"| {statistics.median(gaps):.2f}% | {max(gaps):.2f}% "
                f"| {statistics.median(better):+.2f}% | {min(better):+.2f}% "
                f"| {statistics.median(behind):.2f}% | {max(behind):.2f}% "
                f"| {statistics.median(firsts):.2f} s | {max(firsts):.2f} s "
                f"| {peak:.0f} MB | {at_once:.0f} MB |"
            )
    return 0


def files_main(args) -> int:
    """Run the example files and print a Markdown table."""
    short, long = (3.0, 10.0) if args.quick else args.limits
    rows = []
    began = time.monotonic()
    for name in args.instances:
        path = INSTANCES / f"{name}.json"
        g = run("greedy", path, 0, 1)
        a = run("engine", path, short, args.workers)
        b = run("engine", path, long, args.workers)
        better = 100 * (b["objective"] - g["objective"]) / max(1, abs(g["objective"]))
        rows.append((name, g, a, b, better))
        print(f"# {name} done ({time.monotonic() - began:.0f} s)", file=sys.stderr, flush=True)
    s, lg = f"{short:g} s", f"{long:g} s"
    print(
        f"| instance | films | screenings | first valid | objective @{s} | bound @{s} | gap @{s} "
        f"| objective @{lg} | bound @{lg} | gap @{lg} | status @{lg} | greedy objective | engine vs greedy "
        f"| shortfall | largest process peak | tree peak |"
    )
    print("|" + "---|" * 16)
    for name, g, a, b, better in rows:
        print(
            f"| {name} | {b['films']} | {b['screenings']} | {b['first']:.2f} s | {a['objective']} "
            f"| {a['bound']} | {gap(a['objective'], a['bound'])} | {b['objective']} | {b['bound']} "
            f"| {gap(b['objective'], b['bound'])} "
            f"| {b['status']} | {g['objective']} | {better:+.2f}% | {b['shortfall']} "
            f"| {max(a['peak_mb'], b['peak_mb']):.0f} MB | {max(a['tree_mb'], b['tree_mb']):.0f} MB |"
        )
    print()
    print("Growth with size (long limit): films -> wall seconds, gap")
    for name, _g, _a, b, _ in rows:
        print(f"- {name}: {b['films']} films -> {b['seconds']:.1f} s, gap {gap(b['objective'], b['bound'])}")
    return 0


def _solve_part(args: tuple) -> tuple:
    """A pool worker: one part of the instance at ``path``; its result, first-valid seconds and peak MB."""
    import resource

    from scheduler import read_instance
    from scheduler.parts import solve_part, split

    path, index, limit = args
    started = time.monotonic()
    instance = read_instance(path)
    first: list[float] = []

    def progress(p) -> None:
        if p.objective is not None and not first:
            first.append(time.monotonic() - started)

    result = solve_part(instance, split(instance)[index], time_limit=limit, workers=1, on_progress=progress)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, first[0] if first else None, peak, started


def national_main(args) -> int:
    """The national instance's parts solved by pools of worker processes, merged and checked."""
    import concurrent.futures
    import multiprocessing

    sys.path.insert(0, str(ROOT))
    from scheduler import check_screenings, read_instance
    from scheduler.parts import merge, split

    path = family_instance("national", args.seed)
    instance = read_instance(path)
    parts = split(instance)
    print(
        f"load average at start: {uptime()}; {len(instance.films)} films, {len(instance.theaters)} theaters, "
        f"{len(parts)} parts of {[len(p.films) for p in parts]} films"
    )
    rows = []
    context = multiprocessing.get_context("spawn")  # fresh interpreters: no solver threads forked
    for pool in args.pool:
        began = time.monotonic()
        with concurrent.futures.ProcessPoolExecutor(pool, mp_context=context) as executor:
            jobs = [executor.submit(_solve_part, (str(path), p.index, args.part_limit)) for p in parts]
            outs = [job.result() for job in jobs]
        wall = time.monotonic() - began
        merged = merge(instance, [o[0] for o in outs])
        report = check_screenings(instance, list(merged.screenings))
        if not report.valid or (merged.bound is not None and merged.bound < report.objective):
            raise SystemExit(f"INVALID merged schedule with {pool} workers: {report.violations[:3]}")
        first = max(o[1] or 0 for o in outs)
        rows.append((pool, wall, merged, first, max(o[2] for o in outs)))
        print(f"# {pool} workers: {wall:.0f} s, load {uptime()}", file=sys.stderr, flush=True)
        for (result, part_first, part_peak, _), part in zip(outs, parts, strict=True):
            print(
                f"#   part {part.index} ({len(part.films)} films): {result.objective} / {result.bound} "
                f"({gap(result.objective, result.bound)}), first valid {part_first or 0:.1f} s, "
                f"{part_peak:.0f} MB",
                file=sys.stderr,
                flush=True,
            )
    print(f"load average at end: {uptime()}")
    print()
    print(
        "| workers | wall | speed-up | objective | bound | gap | slowest part's first valid "
        "| peak RSS per worker |"
    )
    print("|---|---|---|---|---|---|---|---|")
    one = next((wall for pool, wall, *_ in rows if pool == 1), rows[0][1])  # the speed-ups' reference
    for pool, wall, merged, first, peak in rows:
        print(
            f"| {pool} | {wall:.0f} s | {one / wall:.2f}x | {merged.objective} | {merged.bound} "
            f"| {gap(merged.objective, merged.bound)} | {first:.1f} s | {peak:.0f} MB |"
        )
    return 0


def make_family(
    tools: Path,
    out: Path,
    kind: str,
    size: int,
    films: int,
    venues: int,
    hybrid_films: int,
    first_seed: int | None = None,
) -> list[Path]:
    """``size`` version-2 instances of one kind (``tour`` or ``hybrid``) made by the shared tools under
    seeds of their own (from ``first_seed``; default 1000 for tours, 2000 for hybrids); every third tour
    has one more print per film with prints (at most 3), every third other one a day more between every
    two cities."""
    paths = []
    for k in range(size):
        seed = (first_seed if first_seed is not None else 1_000 if kind == "tour" else 2_000) + k
        v1, v2 = out / f"{kind}-{seed}-v1.json", out / f"{kind}-{seed}.json"
        places = ["--venues", str(venues), "--copies-max", "3"] if kind == "tour" else []
        n_films = films if kind == "tour" else hybrid_films
        gen = [sys.executable, str(tools / "gen_instance.py"), "--seed", str(seed), "--films", str(n_films)]
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
    """The version-2 families: one table per kind and engine (``--compare``: the other engine on each
    instance right after this one, so both share the machine's load), then medians and worst cases."""
    began = time.monotonic()
    now = Path(args.engine) if args.engine else ROOT
    engines = [("now", now)] + ([("before", Path(args.compare))] if args.compare else [])
    print(f"load average at start: {uptime()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for kind in args.kinds:
            paths = make_family(
                args.tools, Path(tmp), kind, args.count, args.films, args.venues, args.hybrid_films, args.seed
            )
            rows: dict[str, list] = {name: [] for name, _ in engines}
            for path in paths:
                g = run("greedy", path, 0, 1)
                for name, root in engines:
                    e = run("engine", path, args.limit, args.workers, root)
                    d = None
                    if kind == "tour" and not args.no_digital:
                        d = run("engine", digital(path), args.limit, args.workers, root)
                    rows[name].append((path.stem, g, e, d))
                    print(
                        f"# {path.stem} {name}: greedy {g['objective']}, {e['objective']}/{e['bound']} "
                        f"({gap(e['objective'], e['bound'])}), first {e['first']:.2f} s, load {uptime()} "
                        f"({time.monotonic() - began:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
            touring = kind == "tour" and not args.no_digital
            for name, _ in engines:
                _print_family(f"{kind} ({name})", rows[name], args.limit, touring)
    print(f"load average at end: {uptime()}")
    return 0


def _print_family(kind: str, rows: list, limit: float, touring: bool) -> None:
    lim = f"{limit:g} s"
    head = (
        f"| {kind} | films | valid | first valid | objective @{lim} | bound @{lim} | gap @{lim} | vs greedy "
    )
    head += "| digital objective | touring costs |" if touring else "|"
    print(head)
    print("|" + "---|" * (10 if touring else 8))
    gaps, firsts, greedy_gains, costs, peaks, trees = [], [], [], [], [], []
    for name, g, e, d in rows:
        peaks.append(e["peak_mb"])
        trees.append(e["tree_mb"])
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
    print(f"- largest process peak: median {statistics.median(peaks):.0f} MB, worst {max(peaks):.0f} MB")
    print(f"- process tree peak: median {statistics.median(trees):.0f} MB, worst {max(trees):.0f} MB")
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--family", nargs="*", choices=sorted(FAMILIES), help="generated families instead of files"
    )
    parser.add_argument("--count", type=int, default=10, help="instances per family (--v2: of each kind)")
    parser.add_argument(
        "--seed", type=int, help="the first generator seed (default 7100; --v2: 1000 tours, 2000 hybrids)"
    )
    parser.add_argument("--compare", help="a directory with another scheduler/ to run on the same instances")
    parser.add_argument("--engine", help="a directory with the scheduler/ to measure (default: this one)")
    parser.add_argument("--short-only", action="store_true", help="only the short limit")
    parser.add_argument(
        "--national", action="store_true", help="the national instance's parts on worker pools"
    )
    parser.add_argument("--part-limit", type=float, default=60.0, help="--national: seconds per part")
    parser.add_argument("--pool", nargs="*", type=int, default=[1, 2, 4], help="--national: worker counts")
    parser.add_argument("--instances", nargs="*", default=ORDER)
    parser.add_argument("--limits", nargs=2, type=float, default=[10.0, 60.0], metavar=("SHORT", "LONG"))
    parser.add_argument("--quick", action="store_true", help="limits of 3 s and 10 s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--v2", action="store_true", help="version-2 families (tours, hybrids) instead")
    parser.add_argument("--kinds", nargs="*", default=["tour", "hybrid"], choices=["tour", "hybrid"],
                        help="--v2: which families")  # fmt: skip
    parser.add_argument("--no-digital", action="store_true", help="--v2: skip the tours' digital runs")
    parser.add_argument("--limit", type=float, default=60.0, help="--v2: seconds per solve")
    parser.add_argument("--films", type=int, default=150, help="--v2: films per tour")
    parser.add_argument("--hybrid-films", type=int, default=48, help="--v2: films per hybrid edition")
    parser.add_argument("--venues", type=int, default=4, help="--v2: venues (cities) of a tour")
    parser.add_argument("--tools", type=Path, default=TOOLS,
                        help="--v2: the folder of gen_instance.py and make_v2.py")  # fmt: skip
    args = parser.parse_args(argv)
    if args.seed is None and not args.v2:
        args.seed = 7100
    if args.v2:
        return main_v2(args)
    if args.national:
        return national_main(args)
    if args.family:
        return family_main(args)
    return files_main(args)


if __name__ == "__main__":
    sys.exit(main())
