"""Solving components with the exact time-indexed model (timeindexed.py), several side by side.

Per component: the model's LP first (lp.py: GLOP, or PDLP and a polish LP above ``FULL_COLUMNS``),
whose duals give an honest bound by weak duality and whose solution, rounded (``lp_round``), a valid
timetable within seconds. Then:
- up to ``FULL_COLUMNS`` columns: SCIP on the whole model, hinted with the best timetable; its solutions
  are valid timetables and its dual bound an honest bound of the component;
- up to ``RESTRICTED_COLUMNS``: SCIP on restricted models (the LP support, the incumbent's columns and the
  columns of greatest reduced cost, growing while solved to optimality), then a neighbourhood search that
  re-solves single days exactly with the rest of the incumbent fixed. Sub-models' solutions
  are valid timetables; their bounds are never used.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from . import lagrange, subsolve
from .budget import Budget, OutOfTime
from .data import DAY, Instance, Screening
from .lp import lp_bound
from .master import Component
from .timeindexed import TimeIndexed, TimeIndexedResult, as_master, build, solve_scip
from .timetable import Timetable

log = logging.getLogger("scheduler")

FULL_COLUMNS = 60_000
RESTRICTED_COLUMNS = 260_000
# restricted models: the LP support, the incumbent and the columns of greatest reduced cost up to these
# sizes, each solved while the last was solved to optimality (cstm-stress's giant+hall: 2,000 columns
# optimal in 1.7 s; 6,000 gave SCIP nothing better than its hint in 12 s)
RESTRICTED_SIZES = (2_000, 4_000, 8_000, 16_000)
WINDOW_COLUMNS = 2_500  # columns of the days re-solved together in the neighbourhood search
WINDOW_SECONDS = 2.0
WINDOW_PASSES = 1  # deterministic mode
# a component followed by another in its lane hands its time over once its last STALL_WINDOWS windows
# gained less than STALL_SHARE of its objective together (cstm-stress's dome gained 5 in 19 s that way)
STALL_WINDOWS = 6
STALL_SHARE = 1e-4


def approximate_lp(columns: int) -> bool:
    """Whether the LP of a model this size goes to PDLP (lp.py): GLOP's simplex is slow above."""
    return columns > FULL_COLUMNS


def lp_seconds(columns: int) -> float:
    """About how long the LP takes on a model of this size here: GLOP up to ``FULL_COLUMNS`` (measured:
    21k columns 0.5 s, 53k 2.2 s), PDLP above (88k 2.5 s, 100k 4.3 s, 220k 12.3 s; GLOP took 7, 8 and
    33-41 s)."""
    if approximate_lp(columns):
        return 0.5 + columns / 18_000
    return 0.2 + 2.5 * (columns / 50_000) ** 2


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
        try:
            solve_lane(lane)
        except Exception:  # a bug: the components keep what they had (the greedy timetable at least)
            log.exception("exact solve of components %s failed", lane)

    def solve_lane(lane: list[int]) -> None:
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
            if sizes[i] > RESTRICTED_COLUMNS:  # too large for an LP solver: priced theater-days
                try:
                    cells = lagrange.grid_cells(
                        instance, comps[i], Budget(stop=stop) if deterministic else Budget.after(budget, stop)
                    )
                except OutOfTime:
                    return
                if cells > lagrange.MAX_GRID_CELLS:
                    log.warning(
                        "component %d: %d cells are too many for the relaxation; it keeps its timetable",
                        i,
                        cells,
                    )
                    continue

                def priced(screenings, bound, i=i) -> None:
                    take(i, TimeIndexedResult(screenings, None, bound, False))

                # side by side with other lanes: in a process of its own (subsolve.py), if one starts
                end = time.monotonic() + budget
                if not (
                    len(lanes) > 1
                    and subsolve.solve_in_process(
                        instance, comps[i], budget=budget, best=best(i), stop=stop, take=priced
                    )
                ):
                    lagrange.solve_component(
                        instance,
                        comps[i],
                        budget=budget if deterministic else max(0.0, end - time.monotonic()),
                        best=lambda i=i: best(i),
                        deterministic=deterministic,
                        stop=stop,
                        take=priced,
                    )
                continue
            solve_component(
                instance,
                comps[i],
                budget=budget,
                best=lambda i=i: best(i),
                seed=seed,
                deterministic=deterministic,
                stop=stop,
                take=lambda res, i=i: take(i, res),
                hand_over=pos + 1 < len(lane) and not deterministic,
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
    hand_over: bool = False,
) -> None:
    """Solve one component within ``budget`` seconds, handing every result to ``take``; ``hand_over``:
    end the neighbourhood search early once it stalls (the lane's next component gets the time left)."""
    end = time.monotonic() + budget
    ti = build(instance, list(comp.films), list(comp.theaters))

    def left() -> float:
        return budget if deterministic else end - time.monotonic()

    if left() <= 0.05:
        return
    # the LP first: an honest bound and, rounded, a good timetable within seconds
    bound = point = reduced = None
    if deterministic or lp_seconds(ti.size) <= left():
        bound, point, reduced = lp_bound(
            as_master(ti),
            100.0 * budget + 60.0 if deterministic else left(),
            approximate=approximate_lp(ti.size),
        )
    if bound is not None:
        take(TimeIndexedResult(None, None, bound, False))
        take(TimeIndexedResult(lp_round(instance, ti, point), None, None, False))
    if bound is not None and ti.objective_of(best()) >= bound:
        return  # the rounded LP is optimal
    if ti.size <= FULL_COLUMNS:  # then SCIP on the whole model, hinted with the best so far
        res = solve_scip(
            ti, hint=best(), time_limit=left(), seed=seed, deterministic=deterministic, stop=stop
        )
        take(res)
        return
    if bound is None:
        return  # the LP did not finish: the component keeps its timetable and capacity-free bound
    share = budget / (2 * len(RESTRICTED_SIZES) + 2)  # deterministic: from the budget alone
    ranked = sorted(range(ti.size), key=lambda v: (-reduced[v], v))  # most promising columns first
    for size in RESTRICTED_SIZES:
        if stop() or left() <= 0.05:
            return
        hint = best()
        chosen = set(ti.chosen(hint))
        allowed = {v for v in range(ti.size) if point[v] > 1e-6 or v in chosen}
        for v in ranked:
            if len(allowed) >= size:
                break
            allowed.add(v)
        res = solve_scip(
            ti,
            hint=hint,
            time_limit=share if deterministic else left() / 3,
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            columns=allowed,
        )
        log.debug(
            "restricted model: %d of %d columns, objective %s%s",
            len(allowed), ti.size, res.objective, " (optimal)" if res.optimal else "",
        )  # fmt: skip
        if res.screenings is not None:
            take(TimeIndexedResult(res.screenings, None, None, False))
        if not res.optimal or len(allowed) == ti.size:  # a wider model would not be solved either
            break
    improve_by_windows(
        ti,
        point,
        best=best,
        left=left,
        window_seconds=share if deterministic else WINDOW_SECONDS,
        seed=seed,
        deterministic=deterministic,
        stop=stop,
        take=take,
        stall=STALL_WINDOWS if hand_over else None,
    )


def improve_by_windows(
    ti: TimeIndexed,
    point: list[float],
    *,
    best: Callable[[], list[Screening]],
    left: Callable[[], float],
    window_seconds: float,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[TimeIndexedResult], None],
    stall: int | None = None,
) -> None:
    """Large-neighbourhood search: re-solve a window of consecutive days (as many as fit in
    ``WINDOW_COLUMNS``, usually one) exactly with the rest of the incumbent fixed, the windows where the LP
    promises most over the incumbent first, in passes until a pass improves nothing or time is up, or
    (``stall``) until that many windows in a row gained less than ``STALL_SHARE`` together."""
    day_of_col = [s // DAY for _, _, s in ti.keys]
    per_day: dict[int, int] = {}
    for d in day_of_col:
        per_day[d] = per_day.get(d, 0) + 1
    windows: list[list[int]] = [[]]
    size = 0
    for d in sorted(per_day):
        if windows[-1] and size + per_day[d] > WINDOW_COLUMNS:
            windows.append([])
            size = 0
        windows[-1].append(d)
        size += per_day[d]
    window_of = {d: k for k, w in enumerate(windows) for d in w}
    gains: list[int] = []
    for _ in range(WINDOW_PASSES if deterministic else 1 << 30):
        current = best()
        chosen = set(ti.chosen(current))
        promise = [0.0] * len(windows)
        for v in range(ti.size):
            promise[window_of[day_of_col[v]]] += ti.coef[v] * (point[v] - (v in chosen))
        improved = False
        for k in sorted(range(len(windows)), key=lambda k: (-promise[k], k)):
            if stop() or left() <= 0.5:
                return
            current = best()
            chosen = set(ti.chosen(current))
            before = ti.objective_of(current)
            inside = {v for v in range(ti.size) if window_of[day_of_col[v]] == k}
            res = solve_scip(
                ti,
                hint=current,
                time_limit=window_seconds if deterministic else min(left(), window_seconds),
                seed=seed,
                deterministic=deterministic,
                stop=stop,
                columns=inside,
                ones=chosen - inside,
            )
            gain = 0
            if res.screenings is not None and res.objective > before:
                improved = True
                gain = res.objective - before
                take(TimeIndexedResult(res.screenings, None, None, False))
            gains.append(gain)
            if stall and len(gains) >= stall and sum(gains[-stall:]) < STALL_SHARE * abs(before):
                return
        if not improved:
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
