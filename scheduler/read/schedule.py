"""The schedule format (``festival-schedule/1``): write a Schedule, read one back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..data import Schedule, Screening, Shortfall, format_time
from .jsonfile import load_json
from .problems import ScheduleError
from .values import parse_time

SCHEDULE_FORMAT = "festival-schedule/1"


def screening_to_json(s: Screening) -> dict:
    """One screening in the spec's JSON shape."""
    return {"film": s.film, "theater": s.theater, "start": format_time(s.start)}


def schedule_to_json(schedule: Schedule) -> dict:
    """A Schedule as the spec's ``festival-schedule/1`` object (screenings sorted by start, theater, film)."""
    out = {
        "format": SCHEDULE_FORMAT,
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


def schedule_from_json(data: dict) -> Schedule:
    """A Schedule from a well-formed schedule object; raises ValueError on malformed screenings."""
    screenings = tuple(
        Screening(parse_time(s["start"]), s["theater"], s["film"]) for s in data.get("screenings", [])
    )
    shortfalls = tuple(Shortfall(s["film"], s["missing"], s["reason"]) for s in data.get("shortfalls", []))
    return Schedule(
        data.get("status", "unknown"),
        data.get("objective"),
        data.get("bound"),
        float(data.get("solve_seconds", 0.0)),
        screenings,
        shortfalls,
        tuple(data.get("conflicts", [])),
    )


def read_json(path: str | Path) -> Any:
    """The decoded JSON of a schedule file; raises ScheduleError (a ValueError) naming the file."""
    return load_json(path, ScheduleError)
