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
from .prices import Prices, as_model_point
from .relocation import relocated
from .rounding import lp_round

log = logging.getLogger("scheduler")

# up to this many columns GLOP's simplex solves the LP and SCIP the whole model; above, PDLP's approximate
# LP (faster, a bound a little above the LP's) and restricted models (SCIP would not finish the whole)
WHOLE_MODEL_COLUMNS = 60_000
# restricted models: the LP support, the incumbent and the columns of greatest reduced cost up to these
# sizes, each tried while the last was solved to optimality: small ones are solved to optimality in
# seconds, larger ones may find more but may not finish
RESTRICTED_SIZES = (2_000, 4_000, 8_000, 16_000)
# with the descent's point in hand (prices.py), the LP runs only when it should take at most this share of
# the component's time left: an LP interrupted by the limit gives nothing, the point already steers
LP_SHARE = 0.6
# when the LP does not fit, this share of the component's time left goes to more of the descent
DESCENT_SHARE = 0.3


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
    prices: Prices | None = None,
) -> None:
    """Solve one component within ``budget`` seconds, handing every result to ``take``; ``hand_over``:
    end the neighbourhood search early once it stalls (the lane's next component gets the time left);
    ``prices``: the component's short Lagrangian descent (prices.py), whose averaged solution is rounded
    at once and stands in for the LP's when the LP would not fit in the time."""
    end = time.monotonic() + budget
    try:
        model = build(instance, list(comp.films), list(comp.theaters), Budget(stop=stop))
    except OutOfTime:
        return

    def left() -> float:
        return budget if deterministic else end - time.monotonic()

    if left() <= 0.05:
        return

    def out_of_time() -> bool:  # for the Python steps (rounding, relocation): the limit holds there too
        return stop() or (not deterministic and left() <= 0)

    # the descent's solution (optimise.py rounded it already) steers the search when the LP does not fit
    warm = as_model_point(prices, model.keys) if prices is not None and prices.point else None
    # the LP: an honest bound and, rounded, a good timetable within seconds
    bound = point = reduced = None
    lp_fits = lp_seconds(model.size) <= (left() if warm is None else LP_SHARE * left())
    if warm is not None and not deterministic and not lp_fits:
        # no LP in time: more of the descent instead (a tighter bound, a better point), rounded again
        prices.descend(
            seconds=DESCENT_SHARE * left(),
            incumbent=model.objective_of(best()),
            deterministic=False,
            stop=stop,
        )
        warm = as_model_point(prices, model.keys)
        take(ExactResult(None, None, prices.bound, False, "bounding"))
        take(
            ExactResult(
                relocated(instance, lp_round(instance, model, warm), comp.films, out_of_time),
                None,
                None,
                False,
            )
        )
    if deterministic or lp_fits:
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
        take(
            ExactResult(
                relocated(instance, lp_round(instance, model, point), comp.films, out_of_time),
                None,
                None,
                False,
            )
        )
    if bound is not None and model.objective_of(best()) >= bound:
        return  # the rounded LP is optimal
    if prices is not None and prices.bound is not None and model.objective_of(best()) >= prices.bound:
        return  # the rounded descent is optimal
    whole = model.size <= WHOLE_MODEL_COLUMNS
    if whole:  # then SCIP on the whole model, hinted with the best so far
        res = solve_exact(
            model, hint=best(), time_limit=left(), seed=seed, deterministic=deterministic, stop=stop
        )
        take(res)
        if res.optimal or deterministic or stop() or left() <= 1.0:
            return
        # SCIP ended before the limit (its memory cap, exact_solve.SCIP_MEMORY_MB): the time left goes to
        # the neighbourhood search, whose sub-models are small
    share = budget / (2 * len(RESTRICTED_SIZES) + 2)  # deterministic: from the budget alone
    if bound is None:
        if warm is None:
            return  # the LP did not finish: the component keeps its timetable and capacity-free bound
        point = warm  # no LP in time: the descent's solution steers the neighbourhood search
    # restricted models need the LP's reduced costs (most promising columns first)
    ranked = [] if reduced is None or whole else sorted(range(model.size), key=lambda v: (-reduced[v], v))
    for size in RESTRICTED_SIZES if ranked else ():
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
