"""Which component is improved where, for how long and how: components side by side in lanes (one per
worker), each with the exact model when an LP solver copes with its size, else with the relaxation."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from ..budget import Budget, OutOfTime
from ..data import Instance, Screening
from . import relaxation, relaxation_process
from .components import Component
from .exact_component import solve_component
from .exact_model import ExactResult
from .grid_shape import grid_cells
from .prices import Prices

log = logging.getLogger("scheduler")

# components up to this many columns are improved with the exact model (an LP solver copes with its size
# in the time); larger ones with the relaxation, which needs no LP solver: weaker bounds, but it finishes
EXACT_MODEL_COLUMNS = 260_000
# the exact model pays for its building (in Python, about BUILD_COLUMNS_PER_SECOND on an idle core) only when
# the component has BUILD_PAYS_OFF times that long; with less, its descent goes on instead (5 while the LP
# took GLOP or PDLP on the whole model; 2.5 since its column generation takes seconds: four 7600-7605 at
# 10 s, 1.49 % median gap against 1.62 % with 5, the same minutes)
BUILD_COLUMNS_PER_SECOND = 100_000
BUILD_PAYS_OFF = 2.5


def build_seconds(columns: int) -> float:
    """About how long building the exact model of this many columns takes."""
    return columns / BUILD_COLUMNS_PER_SECOND


def balanced_lanes(items: list[int], sizes: list[float], lanes: int) -> list[list[int]]:
    """Components split into lanes of about equal total size (or weight: optimise.py's gains), largest
    first into the lightest lane; each lane in increasing size."""
    out: list[list[int]] = [[] for _ in range(lanes)]
    load = [0.0] * lanes
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
    take: Callable[[int, ExactResult], None],
    prices: dict[int, Prices] | None = None,
    early: dict[Component, relaxation_process.Early] | None = None,
    weights: list[float] | None = None,
) -> None:
    """Solve each lane's components one after another, the lanes side by side (SCIP and GLOP run
    single-threaded and release the GIL). In a lane a component gets the lane's time left in proportion
    to its weight (``weights``, by index; by default its size), so time a small component does not need
    goes to the next one. Deterministic mode: one lane, budgets from the limit alone. ``prices``: the
    components' descents (prices.py), by index; ``early``: relaxations started before the first
    timetable (relaxation_process.start_early), by component: such a component's results come from
    there."""
    weight = sizes if weights is None else weights
    total = sum(weight[i] for lane in lanes for i in lane)

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
                budget = exact_budget * weight[i] / max(1, total)
            else:
                rest = sum(weight[j] for j in lane[pos:])
                budget = (budget_end - time.monotonic()) * weight[i] / max(1, rest)
            if budget <= 0.05:  # too little for this one; a larger one after it may still have enough
                continue
            warm = (prices or {}).get(i)
            if warm is not None and not deterministic and budget < build_seconds(sizes[i]) * BUILD_PAYS_OFF:
                # too little time for the exact model to pay for its building: the descent goes on, with
                # its timetables and relocation (relaxation.py)
                relaxation.solve_component(
                    instance,
                    comps[i],
                    budget=budget,
                    best=lambda i=i: best(i),
                    deterministic=False,
                    stop=stop,
                    take=lambda screenings, bound, phase, i=i: take(
                        i, ExactResult(screenings, None, bound, False, phase)
                    ),
                    relax=warm.relax,
                )
                continue
            if sizes[i] > EXACT_MODEL_COLUMNS:  # too large for an LP solver: priced theater-days
                try:
                    cells = grid_cells(
                        instance, comps[i], Budget(stop=stop) if deterministic else Budget.after(budget, stop)
                    )
                except OutOfTime:
                    return
                if cells > relaxation.MAX_GRID_CELLS:
                    log.warning(
                        "component %d: %d cells are too many for the relaxation; it keeps its timetable",
                        i,
                        cells,
                    )
                    continue

                def priced(screenings, bound, phase, i=i) -> None:
                    take(i, ExactResult(screenings, None, bound, False, phase))

                # started before the first timetable: its results so far and from now on
                child = (early or {}).get(comps[i])
                if child is not None and child.follow(stop, priced):
                    continue

                # side by side with other lanes: in a process of its own (relaxation_process.py) if one starts
                end = time.monotonic() + budget
                if not (
                    len(lanes) > 1
                    and relaxation_process.solve_in_process(
                        instance, comps[i], budget=budget, best=best(i), stop=stop, take=priced
                    )
                ):
                    relaxation.solve_component(
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
                prices=warm,
            )

    if len(lanes) == 1:
        run(lanes[0])
        return
    threads = [threading.Thread(target=run, args=(lane,), daemon=True) for lane in lanes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
