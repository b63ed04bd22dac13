"""Improving one component with its exact model: the model's LP first (its duals an honest bound by weak
duality, its solution rounded into a valid timetable within seconds), then

- up to ``WHOLE_MODEL_COLUMNS`` columns, when SCIP can hold it (``exact_solve.scip_holds``): SCIP on the
  whole model, hinted with the best timetable; its solutions are valid timetables and its dual bound an
  honest bound of the component;
- otherwise: SCIP on restricted models (the LP support, the incumbent's columns and the columns of greatest
  reduced cost, growing while solved to optimality), then the neighbourhood search (neighbourhood.py).
  Sub-models' solutions are valid timetables; their bounds are never used.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from ..bound.columns import lp_by_columns
from ..budget import Budget, OutOfTime
from ..data import Instance, Screening
from .components import Component
from .exact_model import ExactModel, ExactResult, as_linear, build
from .exact_solve import scip_holds, solve_exact
from .neighbourhood import STALL_WINDOWS, WINDOW_SECONDS, improve_by_windows
from .prices import Prices, as_model_point
from .relocation import relocated
from .rounding import lp_round

log = logging.getLogger("scheduler")

# up to this many columns SCIP solves the whole model; above, restricted models (SCIP would not finish
# the whole)
WHOLE_MODEL_COLUMNS = 60_000
# restricted models: the LP support, the incumbent and the columns of greatest reduced cost up to these
# sizes, each tried while the last was solved to optimality: small ones are solved to optimality in
# seconds, larger ones may find more but may not finish
RESTRICTED_SIZES = (2_000, 4_000, 8_000, 16_000)
# the LP's column generation takes at most this share of the component's time left (the rest goes to SCIP:
# the whole model, or restricted models and day windows); interrupted, its last round's point steers
LP_SHARE = 0.75
# the rounded LP's relocation takes at most this share of the component's time left
RELOCATION_SHARE = 0.1


def lp_start(model: ExactModel, timetable: list[Screening], warm: list[float] | None) -> set[int]:
    """The columns the LP's column generation starts from: the timetable's and, given the descent's
    averaged solution (prices.as_model_point), every column it uses."""
    start = set(model.chosen(timetable))
    if warm is not None:
        start.update(v for v, x in enumerate(warm) if x > 1e-6)
    return start


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
    ``prices``: the component's short Lagrangian descent (prices.py), whose averaged solution starts the
    LP's column generation and stands in for the LP's solution when not even its first round ends."""
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

    # the descent's solution (optimise.py rounded it already) starts the LP's column generation
    warm = as_model_point(prices, model.keys) if prices is not None and prices.point else None
    # the LP (an honest bound and, rounded, a good timetable within seconds) by column generation from
    # the descent's solution and the best timetable's columns (bound/columns.py): seconds on components
    # whose whole LP took PDLP tens; cut short by its share of the time, its last round's point still
    # steers (the columns left out at zero)
    bound, point, reduced = lp_by_columns(
        as_linear(model),
        lp_start(model, best(), warm),
        100.0 * budget + 60.0 if deterministic else LP_SHARE * left(),
        stop=stop,
        groups=model.film_groups(),
    )
    if stop():
        return
    if bound is not None:
        take(ExactResult(None, None, bound, False, "bounding"))
        # the rounded LP relocated, within RELOCATION_SHARE of the time left (on four-times' 4D component
        # relocation took 1.5 s of a 6 s budget, where the restricted models after it gain far more)
        relocation_end = time.monotonic() + RELOCATION_SHARE * left()
        rounded = lp_round(instance, model, point)
        take(
            ExactResult(
                relocated(
                    instance,
                    rounded,
                    comp.films,
                    lambda: out_of_time() or (not deterministic and time.monotonic() > relocation_end),
                ),
                None,
                None,
                False,
            )
        )
    if bound is not None and model.objective_of(best()) >= bound:
        return  # the rounded LP is optimal
    if prices is not None and prices.bound is not None and model.objective_of(best()) >= prices.bound:
        return  # the rounded descent is optimal
    # a whole model SCIP cannot hold under its memory cap (exact_solve.SCIP_NONZEROS) gets restricted models
    whole = model.size <= WHOLE_MODEL_COLUMNS and scip_holds(model)
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
