"""The schedule format (``festival-schedule/1`` and ``/2``): write a Schedule, read one back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data import Schedule, Screening, Shortfall, format_time
from .jsonfile import load_json
from .limits import MAX_OBJECTS, MAX_PRINTS, MAX_SCREENINGS
from .problems import FieldError, Problem, ScheduleError, join
from .values import Reading, is_integer, parse_time

SCHEDULE_FORMAT = "festival-schedule/1"
SCHEDULE_FORMAT_2 = "festival-schedule/2"
SCHEDULE_FORMATS = {1: SCHEDULE_FORMAT, 2: SCHEDULE_FORMAT_2}  # version -> format string


def screening_to_json(s: Screening) -> dict:
    """One screening in the spec's JSON shape (with its ``print`` when it uses one: version 2)."""
    out = {"film": s.film, "theater": s.theater, "start": format_time(s.start)}
    if s.print is not None:
        out["print"] = s.print
    return out


def schedule_to_json(schedule: Schedule) -> dict:
    """A Schedule as the spec's ``festival-schedule/<version>`` object (screenings sorted by start,
    theater, film)."""
    out = {
        "format": SCHEDULE_FORMATS[schedule.version],
        "status": schedule.status,
        "objective": schedule.objective,
        "bound": schedule.bound,
        "solve_seconds": round(schedule.solve_seconds, 3),
        "screenings": [screening_to_json(s) for s in sorted(schedule.screenings)],
        "shortfalls": [
            {"film": s.film, "missing": s.missing, "reason": s.reason} for s in schedule.shortfalls
        ],
    }
    if schedule.status == "infeasible" or schedule.conflicts:
        out["conflicts"] = list(schedule.conflicts)
    return out


def write_schedule(schedule: Schedule, path: str | Path | None = None) -> str:
    """Serialise a schedule to JSON text, writing it to ``path`` when given."""
    text = json.dumps(schedule_to_json(schedule), indent=2, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def read_screenings(data: Any) -> tuple[list[Screening], list[Problem]]:
    """The screenings of a schedule object, and the problems of its shape (not a rule of the timetable:
    check.py checks those); a screening with a problem is left out."""
    r = Reading()
    if not isinstance(data, dict):
        return [], [Problem("", "not_object")]
    screenings = []
    for i, entry in enumerate(
        r.items(data, "screenings", "screenings", required=True, maximum=MAX_SCREENINGS)
    ):
        p = join("screenings", i)
        if not isinstance(entry, dict):
            r.error(p, "not_object")
            continue
        film = r.ident(entry, "film", join(p, "film"))
        theater = r.ident(entry, "theater", join(p, "theater"))
        try:
            start = parse_time(entry.get("start"))
        except FieldError as exc:
            r.failed(exc, join(p, "start"))
            continue
        number = None
        if entry.get("print") is not None:  # version 2 (whether the film needs one is rule 10's)
            number = r.integer(entry, "print", join(p, "print"), positive=True, maximum=MAX_PRINTS)
            if number is None:
                continue
        if film is not None and theater is not None:
            screenings.append(Screening(start, theater, film, number))
    return screenings, r.errors


def schedule_from_json(data: Any) -> Schedule:
    """A Schedule from a schedule object (its screenings and shortfalls); raises ScheduleError (a
    ValueError) listing the problems of a malformed one."""
    screenings, problems = read_screenings(data)
    if problems:
        raise ScheduleError(problems)
    raw_shortfalls = data.get("shortfalls") if isinstance(data.get("shortfalls"), list) else []
    shortfalls = tuple(
        Shortfall(s["film"], s["missing"], s["reason"])
        for s in raw_shortfalls[:MAX_OBJECTS]
        if isinstance(s, dict) and {"film", "missing", "reason"} <= s.keys()
    )
    conflicts = data.get("conflicts") if isinstance(data.get("conflicts"), list) else []
    seconds = data.get("solve_seconds")
    version = 2 if data.get("format") == SCHEDULE_FORMAT_2 else 1
    return Schedule(
        data.get("status") if isinstance(data.get("status"), str) else "unknown",
        data.get("objective") if is_integer(data.get("objective")) else None,
        data.get("bound") if is_integer(data.get("bound")) else None,
        float(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else 0.0,
        tuple(screenings),
        shortfalls,
        tuple(c for c in conflicts[:MAX_OBJECTS] if isinstance(c, str)),
        version,
    )


def read_json(path: str | Path) -> Any:
    """The decoded JSON of a schedule file; raises ScheduleError (a ValueError) naming the file."""
    return load_json(path, ScheduleError)
