"""``solve``: the pipeline of the timetable engine, each stage a package of its own.

read (an Instance, checked) -> first/ (a valid first timetable, at once) -> improve/ (every component
improved side by side, with the bounds of bound/) -> check (every candidate validated before it is kept)
-> explain/ (why films fall short, which pins conflict).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from .budget import UNLIMITED, Budget
from .check import check_screenings
from .data import Instance, Progress, Schedule, Screening, relative_gap
from .explain import pin_conflicts, shortfalls
from .first.greedy import greedy_schedule
from .first.tours import pins_on_tour
from .first.venues import venue_first_schedule, venue_first_wanted, whole_greedy_fits

log = logging.getLogger("scheduler")

# deterministic mode: the wall clock only as a safety net, so that the same input gives the same output
SAFETY_FACTOR = 100.0
SAFETY_SECONDS = 60.0
# the first timetable and the preparations end this long before the limit (at most a tenth of it): what
# follows them (validating, explaining) must fit in it
FINISH_SECONDS = 1.0
# explaining the films left short may take what is left of the limit, at least MIN_EXPLAIN_SECONDS; films
# still unexplained then get a short reason (explaining thousands of films in many theaters is not free)
MIN_EXPLAIN_SECONDS = 0.2
MAX_TIME_LIMIT = 7 * 24 * 3600.0
MAX_WORKERS = 64


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
    """Best valid timetable found within the limits; every returned schedule passed check.py.

    Every phase (the first timetable, the bounds, the improvement, the pin conflicts) stops at the time
    limit or when stopped (``FINISH_SECONDS`` before it, to validate and explain what it returns).
    Raises ValueError for a time limit, worker count or seed out of range."""
    _check_arguments(time_limit, workers, seed)
    started = time.monotonic()
    stop = _stopper(stop_event, should_stop)
    if deterministic:
        budget = Budget(started + SAFETY_FACTOR * time_limit + SAFETY_SECONDS, stop)
    else:
        budget = Budget(started + time_limit - min(FINISH_SECONDS, 0.1 * time_limit), stop)

    def elapsed() -> float:
        return time.monotonic() - started

    def report(objective, bound, phase, formats=()):
        if on_progress is not None:
            gap = relative_gap(objective, bound)
            on_progress(Progress(round(elapsed(), 3), objective, bound, gap, phase, tuple(formats)))

    pins = check_screenings(instance, pins_on_tour(instance))
    if not pins.valid:
        # the minimal conflicts found in time, or at least every rule the pins break
        conflicts = tuple(pin_conflicts(instance, budget=budget)) or tuple(
            f"{v.rule}: {v.message}" for v in pins.violations[:10]
        )
        report(None, None, "infeasible")
        seconds = _seconds(elapsed(), deterministic)
        return Schedule("infeasible", None, None, seconds, (), (), conflicts, instance.version)

    # festivals of relaxations only (alliance-sized): they start now, on the core the greedy leaves idle
    # (this module does not load numpy or OR-Tools: the children do)
    from .improve.relaxation_process import start_early

    early = start_early(
        instance, time_limit=time_limit, started=started, workers=workers, deterministic=deterministic
    )
    try:
        return _solve(
            instance, time_limit, workers, seed, deterministic, stop, budget, started, report, early
        )
    finally:
        for child in early.values():  # those the improvement did not follow
            child.cancel()


def _solve(instance, time_limit, workers, seed, deterministic, stop, budget, started, report, early):
    """solve's first timetable, improvement and explanation (``early``: relaxation_process.start_early)."""

    def elapsed() -> float:
        return time.monotonic() - started

    # several venues past the whole greedy's size (its tables grow with films x theaters x days): venue by
    # venue (3-4 times faster, but worse places: alliance 1,018,581 against 1,101,490, so not below it)
    venue_first = venue_first_wanted(instance) and not whole_greedy_fits(instance)
    greedy = (venue_first_schedule if venue_first else greedy_schedule)(instance, budget=budget)
    checked = check_screenings(instance, greedy)
    if not checked.valid:  # a bug: the greedy only adds screenings that keep every rule
        log.error("the first timetable is not valid: %s", checked.violations[:5])
        return Schedule("unknown", None, None, _seconds(elapsed(), deterministic), version=instance.version)
    best = _Best(greedy, checked.objective, "first timetable")
    report(best.objective, None, "first timetable")
    bound = None
    if not budget.expired() and time_limit > 0:
        # imported here: the improvement loads OR-Tools and numpy (2 s and 100 MB), which the web app's
        # processes, importing this package to read instances and check timetables, never need
        from .improve.optimise import optimise

        result = optimise(
            instance,
            greedy,
            # deterministic: the budgets split from the limit alone, never from the clock
            time_limit=time_limit if deterministic else max(0.0, time_limit - elapsed()),
            workers=workers,
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            report=lambda obj, bnd, phase, formats: report(
                best.objective if obj is None else max(obj, best.objective), bnd, phase, formats
            ),
            budget=budget,
            early=early,
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
    if stop():  # stopped: explain what there is time for, at once
        explaining = Budget.after(MIN_EXPLAIN_SECONDS)
    elif deterministic:  # every reason, so that the output repeats
        explaining = UNLIMITED
    else:
        explaining = Budget(max(started + time_limit, time.monotonic() + MIN_EXPLAIN_SECONDS))
    short = shortfalls(instance, best.screenings, explaining)
    report(best.objective, bound, "done")
    return Schedule(
        status,
        best.objective,
        bound,
        _seconds(elapsed(), deterministic),
        tuple(sorted(best.screenings)),
        short,
        version=instance.version,
    )


def _check_arguments(time_limit: float, workers: int, seed: int) -> None:
    if not (isinstance(time_limit, (int, float)) and math.isfinite(time_limit) and time_limit >= 0):
        raise ValueError(f"time_limit must be a finite number of seconds >= 0, not {time_limit!r}")
    if time_limit > MAX_TIME_LIMIT:
        raise ValueError(f"time_limit must be at most {MAX_TIME_LIMIT:g} seconds, not {time_limit!r}")
    if not (isinstance(workers, int) and 1 <= workers <= MAX_WORKERS):
        raise ValueError(f"workers must be an integer from 1 to {MAX_WORKERS}, not {workers!r}")
    if not (isinstance(seed, int) and 0 <= seed < 2**31):
        raise ValueError(f"seed must be an integer from 0 to {2**31 - 1}, not {seed!r}")


def _seconds(wall: float, deterministic: bool) -> float:
    """Wall seconds; 0.0 in deterministic mode (the clock would make two runs' outputs differ)."""
    return 0.0 if deterministic else round(wall, 3)


def _stopper(event: threading.Event | None, should_stop: Callable[[], bool] | None) -> Callable[[], bool]:
    def stop() -> bool:
        return (event is not None and event.is_set()) or (should_stop is not None and bool(should_stop()))

    return stop
