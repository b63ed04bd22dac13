"""Improving one component with its exact model: the model's LP first (its duals an honest bound by weak
duality, its solution rounded into a valid timetable within seconds), then

- up to ``WHOLE_MODEL_COLUMNS`` columns: SCIP on the whole model, hinted with the best timetable; its
  solutions are valid timetables and its dual bound an honest bound of the component;
- larger: SCIP on restricted models (the LP support, the incumbent's columns and the columns of greatest
  reduced cost, growing while solved to optimality), then the neighbourhood search (neighbourhood.py).
  Sub-models' solutions are valid timetables; their bounds are never used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..bound.linear import lp_bound
from ..budget import Budget, OutOfTime
from ..data import Instance, Screening
from .components import Component
from .exact_model import ExactResult, as_linear, build
from .exact_solve import solve_exact
from .neighbourhood import STALL_WINDOWS, WINDOW_SECONDS, improve_by_windows
from .rounding import lp_round

log = logging.getLogger("scheduler")

# up to this many columns GLOP's simplex solves the LP and SCIP the whole model; above, PDLP's approximate
# LP (faster, a bound a little above the LP's) and restricted models (SCIP would not finish the whole)
WHOLE_MODEL_COLUMNS = 60_000
# restricted models: the LP support, the incumbent and the columns of greatest reduced cost up to these
# sizes, each tried while the last was solved to optimality: small ones are solved to optimality in
# seconds, larger ones may find more but may not finish
RESTRICTED_SIZES = (2_000, 4_000, 8_000, 16_000)


def approximate_lp(columns: int) -> bool:
    """Whether the LP of a model this size goes to PDLP (bound/linear.py): GLOP's simplex is slow above."""
    return columns > WHOLE_MODEL_COLUMNS


def lp_seconds(columns: int) -> float:
    """About how long the LP takes on a model of this size (fitted to measurements on a 2-core machine,
    docs/scheduler.md): GLOP up to ``WHOLE_MODEL_COLUMNS``, PDLP above. The LP is skipped when it would
    not fit in the component's time."""
    if approximate_lp(columns):
        return 0.5 + columns / 18_000
    return 0.2 + 2.5 * (columns / 50_000) ** 2


def solve_component(
    instance: Instance,
    comp: Component,
    *,
    budget: float,
    best: Callable[[], list[Screening]],
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    take: Callable[[ExactResult], None],
    hand_over: bool = False,
) -> None:
    """Solve one component within ``budget`` seconds, handing every result to ``take``; ``hand_over``:
    end the neighbourhood search early once it stalls (the lane's next component gets the time left)."""
    end = time.monotonic() + budget
    try:
        model = build(instance, list(comp.films), list(comp.theaters), Budget(stop=stop))
    except OutOfTime:
        return

    def left() -> float:
        return budget if deterministic else end - time.monotonic()

    if left() <= 0.05:
        return
    # the LP first: an honest bound and, rounded, a good timetable within seconds
    bound = point = reduced = None
    if deterministic or lp_seconds(model.size) <= left():
        bound, point, reduced = lp_bound(
            as_linear(model),
            100.0 * budget + 60.0 if deterministic else left(),
            approximate=approximate_lp(model.size),
            stop=stop,
        )
    if stop():
        return
    if bound is not None:
        take(ExactResult(None, None, bound, False, "bounding"))
        take(ExactResult(lp_round(instance, model, point), None, None, False))
    if bound is not None and model.objective_of(best()) >= bound:
        return  # the rounded LP is optimal
    if model.size <= WHOLE_MODEL_COLUMNS:  # then SCIP on the whole model, hinted with the best so far
        res = solve_exact(
            model, hint=best(), time_limit=left(), seed=seed, deterministic=deterministic, stop=stop
        )
        take(res)
        return
    if bound is None:
        return  # the LP did not finish: the component keeps its timetable and capacity-free bound
    share = budget / (2 * len(RESTRICTED_SIZES) + 2)  # deterministic: from the budget alone
    ranked = sorted(range(model.size), key=lambda v: (-reduced[v], v))  # most promising columns first
    for size in RESTRICTED_SIZES:
        if stop() or left() <= 0.05:
            return
        hint = best()
        chosen = set(model.chosen(hint))
        allowed = {v for v in range(model.size) if point[v] > 1e-6 or v in chosen}
        for v in ranked:
            if len(allowed) >= size:
                break
            allowed.add(v)
        res = solve_exact(
            model,
            hint=hint,
            time_limit=share if deterministic else left() / 3,
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            columns=allowed,
        )
        log.debug(
            "restricted model: %d of %d columns, objective %s%s",
            len(allowed), model.size, res.objective, " (optimal)" if res.optimal else "",
        )  # fmt: skip
        if res.screenings is not None:
            take(ExactResult(res.screenings, None, None, False))
        if not res.optimal or len(allowed) == model.size:  # a wider model would not be solved either
            break
    improve_by_windows(
        model,
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
