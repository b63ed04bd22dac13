"""Solving components with the exact time-indexed model (timeindexed.py), several side by side.

- Up to ``FULL_COLUMNS`` columns: SCIP on the whole model; its solutions are valid timetables and its dual
  bound an honest bound of the component.
- Up to ``RESTRICTED_COLUMNS``: the model's LP (GLOP) gives the bound by weak duality (master.lp_bound);
  then SCIP solves restricted models (the LP support, the columns of reduced cost above a threshold and the
  incumbent's columns), widened while they are solved to optimality. A restricted model's solutions are
  still valid timetables; its bound is never used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .data import Instance, Screening
from .master import Component, lp_bound, solve_mip
from .timeindexed import TimeIndexed, TimeIndexedResult, as_master, build, solve_scip
from .timetable import Timetable

FULL_COLUMNS = 60_000
RESTRICTED_COLUMNS = 260_000
LP_COLUMNS_PER_SECOND = 5_000  # GLOP on these models, loaded 2-core machine
REDUCED_COSTS = (1.0, 30.0, 300.0)


def balanced_lanes(items: list[int], sizes: list[int], lanes: int) -> list[list[int]]:
    """Components split into lanes of about equal total size (largest first into the lightest lane);
    each lane in increasing size."""
    out: list[list[int]] = [[] for _ in range(lanes)]
    load = [0] * lanes
    for i in sorted(items, key=lambda i: (-sizes[i], i)):
        k = min(range(lanes), key=lambda k: (load[k], k))
        out[k].append(i)
        load[k] += sizes[i]
    return [sorted(lane, key=lambda i: (sizes[i], i)) for lane in out if lane]


def run_lanes(
    instance: Instance,
    comps: list[Component],
    lanes: list[list[int]],
    sizes: list[int],
    *,
    best: Callable[[int], list[Screening]],
    budget_end: float,
    exact_budget: float,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[int, TimeIndexedResult], None],
) -> None:
    """Solve each lane's components one after another, the lanes side by side (SCIP and GLOP run
    single-threaded and release the GIL). In a lane a component gets the lane's time left in proportion
    to its size, so time a small component does not need goes to the next one. Deterministic mode: one
    lane, budgets from the limit alone."""
    total = sum(sizes[i] for lane in lanes for i in lane)

    def run(lane: list[int]) -> None:
        for pos, i in enumerate(lane):
            if stop():
                return
            if deterministic:
                budget = exact_budget * sizes[i] / max(1, total)
            else:
                rest = sum(sizes[j] for j in lane[pos:])
                budget = (budget_end - time.monotonic()) * sizes[i] / max(1, rest)
            if budget <= 0.05:
                return
            solve_component(
                instance,
                comps[i],
                budget=budget,
                best=lambda i=i: best(i),
                seed=seed,
                deterministic=deterministic,
                stop=stop,
                take=lambda res, i=i: take(i, res),
            )

    if len(lanes) == 1:
        run(lanes[0])
        return
    threads = [threading.Thread(target=run, args=(lane,), daemon=True) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def solve_component(
    instance: Instance,
    comp: Component,
    *,
    budget: float,
    best: Callable[[], list[Screening]],
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[TimeIndexedResult], None],
) -> None:
    """Solve one component within ``budget`` seconds, handing every result to ``take``."""
    end = time.monotonic() + budget
    ti = build(instance, list(comp.films), list(comp.theaters))

    def left() -> float:
        return budget if deterministic else end - time.monotonic()

    if left() <= 0.05:
        return
    if ti.size <= FULL_COLUMNS:
        take(
            solve_scip(ti, hint=best(), time_limit=left(), seed=seed, deterministic=deterministic, stop=stop)
        )
        return
    m = as_master(ti)
    if not deterministic and ti.size / LP_COLUMNS_PER_SECOND > left():
        return  # the LP would not finish: the component keeps its timetable and capacity-free bound
    bound, point, reduced = lp_bound(m, 100.0 * budget + 60.0 if deterministic else left())
    if bound is None:
        return
    take(TimeIndexedResult(None, None, bound, False))
    take(TimeIndexedResult(lp_round(instance, ti, point), None, None, False))
    share = budget / (2 * len(REDUCED_COSTS))  # deterministic: from the budget alone
    for threshold in REDUCED_COSTS:
        if stop() or left() <= 0.05:
            return
        hint = ti.point_of(best())
        allowed = {v for v in range(ti.size) if point[v] > 1e-6 or hint[v] > 0 or reduced[v] > -threshold}
        res = solve_mip(
            m,
            hint,
            share if deterministic else left(),
            deterministic=deterministic,
            seed=seed,
            workers=1,
            stop=stop,
            columns=allowed,
            engine="scip",
        )
        if res.point is not None:
            chosen = [v for v in range(ti.size) if res.point[v] > 0]
            take(TimeIndexedResult(ti.screenings_of(chosen), None, None, False))
        if not res.optimal or len(allowed) == ti.size:
            return


def lp_round(instance: Instance, ti: TimeIndexed, point: list[float]) -> list[Screening]:
    """A timetable from the LP solution: pins, then the columns by decreasing LP value (ties: by value)
    wherever they still fit, then films short of their minimum and then up to their maximum at their
    most valuable free starts. Valid by construction (every placement is checked)."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    table = Timetable(instance)
    for v in ti.fixed:
        f, t, s = ti.keys[v]
        table.place(films[f], theaters[t], s)
    pinned = set(ti.fixed)

    def try_place(v: int) -> bool:
        f, t, s = ti.keys[v]
        if v in pinned or not table.can_place(films[f], theaters[t], s):
            return False
        table.place(films[f], theaters[t], s)
        return True

    by_lp = sorted((v for v in range(ti.size) if point[v] > 1e-6), key=lambda v: (-point[v], -ti.coef[v], v))
    by_film: dict[str, list[int]] = {}
    for v in sorted(range(ti.size), key=lambda v: (-ti.coef[v], v)):
        by_film.setdefault(ti.keys[v][0], []).append(v)
    for goal in ("min_screenings", "max_screenings"):  # minimums first: a shortfall costs the most
        for v in by_lp:
            fid = ti.keys[v][0]
            if table.count[fid] < getattr(films[fid], goal):
                try_place(v)
        for fid, cols in by_film.items():
            need = getattr(films[fid], goal)
            for v in cols:
                if table.count[fid] >= need:
                    break
                try_place(v)
    return table.screenings()
