"""python -m scheduler solve|validate|explain: the command line of the timetable engine."""

from __future__ import annotations

import argparse
import sys
import threading

from .data import Progress
from .read import FormatError, InstanceError, read_instance, read_json, schedule_from_json, write_schedule

EXIT_INVALID = 1
EXIT_BAD_FILE = 2


def _progress(p: Progress) -> None:
    obj = "-" if p.objective is None else p.objective
    bound = "-" if p.bound is None else p.bound
    gap = "-" if p.gap is None else f"{100 * p.gap:.3f}%"
    print(
        f"[{p.elapsed:8.2f}s] {p.phase:<10} objective {obj}  bound {bound}  gap {gap}",
        file=sys.stderr,
        flush=True,
    )


def _load(path: str):
    instance = read_instance(path)
    for w in instance.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return instance


def cmd_solve(args) -> int:
    from .engine import solve

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
    text = write_schedule(schedule, args.out)
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
    from .validate import check_json

    instance = _load(args.instance)
    try:
        data = read_json(args.schedule)
    except FormatError as exc:
        for e in exc.errors:
            print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_FILE
    report = check_json(instance, data)
    for v in report.violations:
        print(f"{v.rule}: {v.message}")
    print(
        f"{'valid' if report.valid else 'INVALID'}: {len(report.violations)} violation(s); objective "
        f"{report.objective} = attendance {report.attendance} - {instance.weights.shortfall_penalty} x "
        f"shortfall {report.shortfall} - {instance.weights.change_penalty} x changes {report.changes}"
    )
    claimed = data.get("objective") if isinstance(data, dict) else None
    if claimed is not None and claimed != report.objective:
        print(f"note: the file claims objective {claimed}, recomputed {report.objective}")
    return 0 if report.valid else EXIT_INVALID


def cmd_explain(args) -> int:
    from .explain import explain_text

    instance = _load(args.instance)
    screenings = None
    if args.schedule:
        try:
            screenings = list(schedule_from_json(read_json(args.schedule)).screenings)
        except (ValueError, KeyError, TypeError) as exc:
            print(f"error: {args.schedule}: cannot read the schedule ({exc})", file=sys.stderr)
            return EXIT_BAD_FILE
    print(explain_text(instance, screenings))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a bad file, 1 for an invalid schedule)."""
    parser = argparse.ArgumentParser(prog="python -m scheduler", description="Festival timetable engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("solve", help="build a timetable")
    p.add_argument("instance")
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds (default 60)")
    p.add_argument("--workers", type=int, default=2, help="CP-SAT workers (default 2)")
    p.add_argument("--seed", type=int, default=0)
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
    except InstanceError as exc:
        print(f"error: {args.instance}: bad instance file", file=sys.stderr)
        for e in exc.errors:
            print(f"  {e}", file=sys.stderr)
        return EXIT_BAD_FILE


if __name__ == "__main__":
    sys.exit(main())
