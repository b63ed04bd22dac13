"""Optimisation: split the instance into independent components, solve each component's band master,
sequence its solution into exact start times, and keep per component the better of that and the greedy.

Every valid timetable restricted to a component is a valid timetable of that component, and no rule or
objective term links two components, so the objective is the sum of the components' objectives and the
sum of the components' bounds is an honest bound of the whole (see master.py and docs/scheduler.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .bound import capacity_free_bound
from .data import Instance, Screening
from .greedy import Filler
from .master import build_master, components, keepable_previous, lp_bound, point_of, solve_mip
from .sequence import sequence
from .slots import build_slots, film_options
from .validate import check_screenings

MAX_COLUMNS = 150_000  # a component with more (film, slot) columns keeps its greedy part and simple bound
THETAS = 3  # truncation lengths per theater in the capacity rows (more: tighter LP, slower)
FULL_MIP_COLUMNS = 20_000  # components up to this size also get the full master solved (a proven bound)
EXACT_COLUMNS = 4_000  # up to this size every truncation length is used (exact window rows)
RESERVE = 0.15  # share of the time kept for sequencing and validation (at least RESERVE_SECONDS)
RESERVE_SECONDS = 0.5


@dataclass
class OptResult:
    candidates: list[tuple[list[Screening], str]] = field(default_factory=list)
    bound: int | None = None
    deterministic_time: float = 0.0


def optimise(
    instance: Instance,
    greedy: list[Screening],
    *,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    report: Callable[[int | None, int | None, str], None],
) -> OptResult:
    """Solve every component's master within the time limit and return the merged timetable."""
    started = time.monotonic()
    deadline = started + time_limit
    slots = build_slots(instance)
    options = film_options(instance, slots)
    comps, orphans = components(instance)
    keepable = keepable_previous(instance)
    filler = Filler(instance, options)
    comp_of_film = {fid: i for i, c in enumerate(comps) for fid in c.films}
    best: list[list[Screening]] = [[] for _ in comps]
    for s in greedy:
        best[comp_of_film[s.film]].append(s)
    best_value = [_part_value(instance, part, comps[i]) for i, part in enumerate(best)]
    bounds = [capacity_free_bound(instance, options, c.films) for c in comps]
    constant = capacity_free_bound(instance, options, orphans)
    result = OptResult()

    def total_bound() -> int:
        return sum(bounds) + constant

    report(None, total_bound(), "master")
    sizes = [sum(len(options[f]) for f in c.films) for c in comps]
    order = sorted(range(len(comps)), key=lambda i: (sizes[i], i))
    pending = [i for i in order if sizes[i] <= MAX_COLUMNS]
    spent = 0.0  # deterministic mode: budgets are split from the limit alone, never from the clock
    usable = time_limit * (1 - RESERVE)
    for pos, i in enumerate(pending):
        if stop():
            break
        rest = sum(sizes[j] for j in pending[pos:])
        if deterministic:
            budget = max(0.05, (usable - spent) * sizes[i] / max(1, rest))
        else:
            left = deadline - time.monotonic() - max(RESERVE_SECONDS, RESERVE * time_limit)
            if left <= 0.05:
                break
            budget = left * sizes[i] / max(1, rest)
        comp = comps[i]
        stage_started = time.monotonic()
        m = build_master(
            instance, comp, slots, options, keepable, thetas=0 if sizes[i] <= EXACT_COLUMNS else THETAS
        )
        lp_value, lp_point = lp_bound(m, 100.0 * budget + 60.0 if deterministic else max(1.0, budget))
        if lp_value is not None:
            bounds[i] = min(bounds[i], lp_value)

        def improve(point: list[int] | None, i: int = i, m=m) -> None:
            if point is None:
                return
            counts = {m.cols[v]: n for v, n in enumerate(point[: len(m.cols)]) if n > 0}
            kept = [p for p, v in m.keep.items() if point[v]]
            others = [s for j, part in enumerate(best) if j != i for s in part]
            table = sequence(instance, slots, counts, kept, filler, fixed=others)
            for j in range(len(comps)):
                part = [s for s in table if comp_of_film[s.film] == j]
                value = _part_value(instance, part, comps[j])
                if value > best_value[j]:
                    best[j], best_value[j] = part, value

        def remaining(budget: float = budget, stage_started: float = stage_started) -> float:
            if deterministic:
                return budget
            return budget - (time.monotonic() - stage_started)

        full = len(m.cols) <= FULL_MIP_COLUMNS
        if lp_point is not None and not stop():
            hint = point_of(m, instance, slots, best[i])
            support = {v for v in range(len(m.cols)) if lp_point[v] > 1e-6 or hint[v] > 0}
            share = remaining() * (0.5 if full else 1.0)
            if deterministic:
                share = budget * (0.5 if full else 1.0)
            res = solve_mip(
                m,
                hint,
                share,
                deterministic=deterministic,
                seed=seed,
                workers=workers,
                stop=stop,
                columns=support,
                engine="scip",
            )
            result.deterministic_time += res.deterministic_time
            improve(res.point)
        if full and not stop() and remaining() > 0.05:
            hint = point_of(m, instance, slots, best[i])
            share = budget * 0.5 if deterministic else remaining()
            res = solve_mip(
                m, hint, share, deterministic=deterministic, seed=seed, workers=workers, stop=stop
            )
            result.deterministic_time += res.deterministic_time
            if res.bound is not None:
                bounds[i] = min(bounds[i], res.bound)
            improve(res.point)
        spent += budget
        merged = [s for part in best for s in part]
        checked = check_screenings(instance, merged)
        report(checked.objective if checked.valid else None, total_bound(), "master")
    result.candidates.append(([s for part in best for s in part], "master"))
    result.bound = total_bound()
    return result


def _part_value(instance: Instance, part: list[Screening], comp) -> int:
    """The objective of a component's timetable plus a constant (the other components' pins alone).

    Comparable between two timetables of the same component; -inf when the part is not valid.
    """
    films = set(comp.films)
    report = check_screenings(instance, part + [p for p in instance.fixed if p.film not in films])
    return report.objective if report.valid else -(1 << 62)
