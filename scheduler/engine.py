"""The solver entry point: greedy warm start, optimisation per component (model.py), validation."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .data import Instance, Progress, Schedule, Screening, relative_gap
from .explain import pin_conflicts, shortfalls
from .greedy import greedy_schedule
from .validate import check_screenings

log = logging.getLogger("scheduler")


@dataclass
class _Best:
    screenings: list[Screening]
    objective: int
    source: str


def solve(
    instance: Instance,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    seed: int = 0,
    deterministic: bool = False,
    on_progress: Callable[[Progress], None] | None = None,
    stop_event: threading.Event | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Schedule:
    """Best valid timetable found within the limits; every returned schedule passed validate.py."""
    started = time.monotonic()
    stop = _stopper(stop_event, should_stop)

    def elapsed() -> float:
        return time.monotonic() - started

    def report(objective, bound, phase):
        if on_progress is not None:
            on_progress(
                Progress(round(elapsed(), 3), objective, bound, relative_gap(objective, bound), phase)
            )

    pins = check_screenings(instance, instance.fixed)
    if not pins.valid:
        conflicts = tuple(pin_conflicts(instance))
        report(None, None, "infeasible")
        return Schedule("infeasible", None, None, _seconds(elapsed(), deterministic), (), (), conflicts)

    greedy = greedy_schedule(instance)
    checked = check_screenings(instance, greedy)
    if not checked.valid:  # a bug: the greedy only adds screenings that keep every rule
        log.error("greedy produced an invalid schedule: %s", checked.violations[:5])
        return Schedule("unknown", None, None, _seconds(elapsed(), deterministic))
    best = _Best(greedy, checked.objective, "greedy")
    report(best.objective, None, "greedy")
    bound = None
    if not stop() and time_limit > 0:
        from .model import optimise  # imported lazily: the greedy path needs no CP-SAT

        result = optimise(
            instance,
            greedy,
            time_limit=max(0.0, time_limit - elapsed()),
            workers=workers,
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            report=lambda obj, bnd, phase: report(
                max(obj, best.objective) if obj is not None else None, bnd, phase
            ),
        )
        bound = result.bound
        for candidate, source in result.candidates:
            rep = check_screenings(instance, candidate)
            if not rep.valid:
                log.error("%s produced an invalid schedule, ignored: %s", source, rep.violations[:5])
                continue
            if rep.objective > best.objective:
                best = _Best(candidate, rep.objective, source)
    if bound is not None and bound < best.objective:
        log.error("bound %s below a valid objective %s: discarded", bound, best.objective)
        bound = None
    status = "optimal" if bound is not None and bound == best.objective else "feasible"
    report(best.objective, bound, "done")
    return Schedule(
        status,
        best.objective,
        bound,
        _seconds(elapsed(), deterministic),
        tuple(sorted(best.screenings)),
        shortfalls(instance, best.screenings),
    )


def _seconds(wall: float, deterministic: bool) -> float:
    """Wall seconds; 0.0 in deterministic mode (the clock would make two runs' outputs differ)."""
    return 0.0 if deterministic else round(wall, 3)


def _stopper(event: threading.Event | None, should_stop: Callable[[], bool] | None) -> Callable[[], bool]:
    def stop() -> bool:
        return (event is not None and event.is_set()) or (should_stop is not None and bool(should_stop()))

    return stop
