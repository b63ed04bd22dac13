"""python -m scheduler solve|validate|explain: the command line of the timetable engine.

Exit status: 0 done; 1 ``validate`` found a broken rule; 2 a bad file or argument (messages name the
field; never a traceback).
"""

from __future__ import annotations

import argparse
import math
import sys
import threading

from .check import check_screenings
from .data import Progress
from .explain import explain_text
from .pipeline import MAX_TIME_LIMIT, MAX_WORKERS, solve
from .read import FormatError, ScheduleError, read_instance, read_json, read_screenings, write_schedule

EXIT_INVALID = 1
EXIT_BAD_FILE = 2
EXIT_INTERRUPTED = 130


def _progress(p: Progress) -> None:
    obj = "-" if p.objective is None else p.objective
    bound = "-" if p.bound is None else p.bound
    gap = "-" if p.gap is None else f"{100 * p.gap:.3f}%"
    print(
        f"[{p.elapsed:8.2f}s] objective {obj}  bound {bound}  gap {gap}  {p.words}",
        file=sys.stderr,
        flush=True,
    )


def _load(path: str):
    instance = read_instance(path)
    for w in instance.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return instance


def _schedule(path: str):
    """A schedule file's object and screenings; raises ScheduleError naming each malformed field."""
    data = read_json(path)
    screenings, problems = read_screenings(data)
    if problems:
        raise ScheduleError(problems)
    return data, screenings


def cmd_solve(args) -> int:
    instance = _load(args.instance)
    stop = threading.Event()
    try:
        schedule = solve(
            instance,
            time_limit=args.time_limit,
            workers=args.workers,
            seed=args.seed,
            deterministic=args.deterministic,
            on_progress=None if args.quiet else _progress,
            stop_event=stop,
        )
    except KeyboardInterrupt:  # pragma: no cover - interactive
        stop.set()
        raise
    try:
        text = write_schedule(schedule, args.out)
    except OSError as exc:
        print(f"error: {args.out}: cannot write the schedule ({exc.strerror or exc})", file=sys.stderr)
        return EXIT_BAD_FILE
    if args.out is None:
        sys.stdout.write(text)
    print(
        f"status {schedule.status}, objective {schedule.objective}, bound {schedule.bound}, "
        f"{len(schedule.screenings)} screenings, {len(schedule.shortfalls)} shortfalls, "
        f"{schedule.solve_seconds} s",
        file=sys.stderr,
    )
    return 0


def cmd_validate(args) -> int:
    instance = _load(args.instance)
    data, screenings = _schedule(args.schedule)  # a malformed file is exit 2, not a broken rule
    report = check_screenings(instance, screenings)
    for v in report.violations:
        print(f"{v.rule}: {v.message}")
    print(
        f"{'valid' if report.valid else 'INVALID'}: {len(report.violations)} violation(s); objective "
        f"{report.objective} = attendance {report.attendance} - {instance.weights.shortfall_penalty} x "
        f"shortfall {report.shortfall} - {instance.weights.change_penalty} x changes {report.changes}"
    )
    claimed = data.get("objective")
    if claimed is not None and claimed != report.objective:
        print(f"note: the file claims objective {claimed!r}, recomputed {report.objective}")
    return 0 if report.valid else EXIT_INVALID


def cmd_explain(args) -> int:
    instance = _load(args.instance)
    screenings = _schedule(args.schedule)[1] if args.schedule else None
    print(explain_text(instance, screenings))
    return 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= MAX_TIME_LIMIT):
        raise argparse.ArgumentTypeError(f"must be a number of seconds from 0 to {MAX_TIME_LIMIT:g}")
    return value


def _ranged(low: int, high: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = low - 1
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be an integer from {low} to {high}")
        return value

    return parse


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a bad file, 1 for an invalid schedule)."""
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="Festival timetable engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="build a timetable")
    p.add_argument("instance")
    p.add_argument("--time-limit", type=_seconds, default=60.0, help="seconds (default 60)")
    p.add_argument("--workers", type=_ranged(1, MAX_WORKERS), default=2, help="solver threads (default 2)")
    p.add_argument("--seed", type=_ranged(0, 2**31 - 1), default=0)
    p.add_argument("--deterministic", action="store_true", help="same input, same output")
    p.add_argument("--out", help="write the schedule here instead of stdout")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(run=cmd_solve)
    p = sub.add_parser("validate", help="check a timetable against every rule")
    p.add_argument("instance")
    p.add_argument("schedule")
    p.set_defaults(run=cmd_validate)
    p = sub.add_parser("explain", help="why films fall short; which pins conflict")
    p.add_argument("instance")
    p.add_argument("schedule", nargs="?")
    p.set_defaults(run=cmd_explain)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except FormatError as exc:
        kind = "schedule" if isinstance(exc, ScheduleError) else "instance"
        path = args.schedule if kind == "schedule" else args.instance
        print(f"error: {path}: bad {kind} file", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e}", file=sys.stderr)
        return EXIT_BAD_FILE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
