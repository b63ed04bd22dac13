"""A run split into parts that solve apart (in other processes, or on job-queue workers on other
machines), and the parts' timetables merged into one, checked as a whole.

A part is a component of the instance (improve/components.py): a connected set of theaters with the
films they can show. No rule and no objective term links two parts (counts, copies, pins and previous
screenings belong to one film, and a film's screenings all lie in its part's theaters), so
- a part is solved as an instance of its own (``part_instance``: its theaters, films, pins and previous
  screenings), by the whole pipeline (``solve_part``);
- the union of the parts' valid timetables is a valid timetable whose objective is the sum of theirs,
  plus the penalty of the films no theater can show (they belong to no part);
- the sum of the parts' bounds, plus that penalty, bounds the whole (``merge``).
Parts, instances and results are plain frozen dataclasses: they pickle, and ``part_result_to_json`` /
``part_result_from_json`` carry a result through a job queue's JSON.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from .budget import UNLIMITED, Budget
from .check import check_screenings
from .data import Instance, Progress, Schedule, Screening
from .explain import shortfalls
from .improve.components import components
from .pipeline import solve

log = logging.getLogger("scheduler")


@dataclass(frozen=True)
class Part:
    """One independent part of an instance: its index in ``split``'s list, theaters and films."""

    index: int
    theaters: tuple[str, ...]
    films: tuple[str, ...]


@dataclass(frozen=True)
class PartResult:
    """A part's solve: its timetable, objective and bound (of the part's own instance), status, seconds."""

    index: int
    status: str
    objective: int | None
    bound: int | None
    seconds: float
    screenings: tuple[Screening, ...] = ()


def split(instance: Instance, budget: Budget = UNLIMITED) -> list[Part]:
    """The instance's independent parts, largest first (so that the longest solves start first)."""
    comps, _orphans = components(instance, budget)
    ordered = sorted(comps, key=lambda c: (-len(c.films), c.theaters))
    return [Part(i, c.theaters, c.films) for i, c in enumerate(ordered)]


def part_instance(instance: Instance, part: Part) -> Instance:
    """The part as an instance of its own: its films, its theaters (and those its films' previous
    screenings name), the pins and previous screenings of its films; everything else as in ``instance``."""
    films = set(part.films)
    previous = tuple(p for p in instance.previous if p.film in films)
    theaters = set(part.theaters) | {p.theater for p in previous}
    return dataclasses.replace(
        instance,
        theaters=tuple(t for t in instance.theaters if t.id in theaters),
        films=tuple(f for f in instance.films if f.id in films),
        fixed=tuple(p for p in instance.fixed if p.film in films),
        previous=previous,
        warning_problems=(),
    )


def solve_part(
    instance: Instance,
    part: Part,
    *,
    time_limit: float = 60.0,
    workers: int = 1,
    seed: int = 0,
    deterministic: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    stop_event: threading.Event | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> PartResult:
    """Solve one part with the whole pipeline (``solve``) on its own instance."""
    schedule = solve(
        part_instance(instance, part),
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        on_progress=on_progress,
        stop_event=stop_event,
        should_stop=should_stop,
    )
    return PartResult(
        part.index,
        schedule.status,
        schedule.objective,
        schedule.bound,
        schedule.solve_seconds,
        schedule.screenings,
    )


def merge(
    instance: Instance, results: list[PartResult], *, seconds: float = 0.0, budget: Budget = UNLIMITED
) -> Schedule:
    """One schedule from the parts' results: their timetables united and checked as a whole, the bound
    the sum of theirs plus the penalty of the films no part holds. A part without a timetable (stopped
    before its first one, or lost with its worker) keeps only its pins and leaves the bound unknown; an
    invalid union gives status ``unknown`` and no screenings (never an unchecked timetable)."""
    parts = split(instance)
    done = {r.index: r for r in results}
    missing = {f for p in parts if p.index not in done for f in p.films}
    screenings = sorted(
        [s for r in results for s in r.screenings] + [p for p in instance.fixed if p.film in missing]
    )
    report = check_screenings(instance, screenings)
    if not report.valid:
        return Schedule("unknown", None, None, seconds)
    held = {f for p in parts for f in p.films}
    orphans = sum(
        instance.weights.shortfall_penalty * f.min_screenings for f in instance.films if f.id not in held
    )
    bound = None
    if all(p.index in done and done[p.index].bound is not None for p in parts):
        bound = sum(done[p.index].bound for p in parts) - orphans
        if bound < report.objective:  # a part's bound below its own timetable: a bug, never reported
            log.error("merged bound %s below the merged objective %s: discarded", bound, report.objective)
            bound = None
    status = "optimal" if bound is not None and bound == report.objective else "feasible"
    return Schedule(
        status, report.objective, bound, seconds, tuple(screenings), shortfalls(instance, screenings, budget)
    )


def part_result_to_json(result: PartResult) -> dict:
    """A part's result as JSON-able values (for a job queue's payload or result store)."""
    return {
        "index": result.index,
        "status": result.status,
        "objective": result.objective,
        "bound": result.bound,
        "seconds": result.seconds,
        "screenings": [[s.start, s.theater, s.film] for s in result.screenings],
    }


def part_result_from_json(data: dict) -> PartResult:
    """The inverse of ``part_result_to_json``."""
    return PartResult(
        int(data["index"]),
        str(data["status"]),
        data["objective"],
        data["bound"],
        float(data["seconds"]),
        tuple(Screening(int(s), str(t), str(f)) for s, t, f in data["screenings"]),
    )
