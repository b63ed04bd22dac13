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
from typing import Protocol

from ..bound.columns import lp_by_columns
from ..budget import Budget, OutOfTime
from ..data import Instance, Screening
from .components import Component
from .exact_model import ExactModel, ExactResult, as_linear, build
from .exact_solve import scip_holds, solve_exact
from .lp_ahead import LpSolution
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
LP_SHARE = 0.6
# while the LP solved ahead still runs, this share of the component's time left goes to more of the descent
DESCENT_SHARE = 0.3


def lp_start(model: ExactModel, timetable: list[Screening], warm: list[float] | None) -> set[int]:
    """The columns the LP's column generation starts from: the timetable's and, given the descent's
    averaged solution (prices.as_model_point), every column it uses."""
    start = set(model.chosen(timetable))
    if warm is not None:
        start.update(v for v, x in enumerate(warm) if x > 1e-6)
    return start


def lp_seconds(columns: int) -> float:
    """About how long the LP's column generation takes on a model of this size, started from the
    descent's solution (measured on the 2-core machine: cstm-9306's 159k-column component 2.8 s,
    four-7600's 107k and 222k ones 2.8 s and 2.7 s); the LP solved ahead (lp_ahead.py) leaves one that
    would not fit to its lane."""
    return 0.5 + columns / 50_000


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
    ahead: AheadLp | None = None,
) -> None:
    """Solve one component within ``budget`` seconds, handing every result to ``take``; ``hand_over``:
    end the neighbourhood search early once it stalls (the lane's next component gets the time left);
    ``prices``: the component's short Lagrangian descent (prices.py), whose averaged solution is rounded
    at once and stands in for the LP's when the LP would not fit in the time; ``ahead``: the component's
    model and LP come from the thread of lp_ahead.py (its LP may still be running: the search goes on with
    the descent's point until it ends)."""
    end = time.monotonic() + budget
    if ahead is not None:
        model = ahead.model()
        if model is None:  # not built in time
            return
    else:
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
    if ahead is not None:
        if not ahead.done() and warm is not None:
            # its LP is still running: the descent's point steers the search until the LP ends
            warm = _descend_and_round(instance, model, comp, prices, best, take, left, stop, out_of_time)
            improve_by_windows(
                model,
                warm,
                best=best,
                left=left,
                window_seconds=WINDOW_SECONDS,
                seed=seed,
                deterministic=False,
                stop=lambda: stop() or ahead.done(),
                take=take,
            )
        ahead.wait(max(0.0, left()))
        solved = ahead.solution()
        if solved is not None:
            bound, point, reduced = solved.bound, solved.point, solved.reduced
    if ahead is None:
        # the LP by column generation from the descent's solution and the best timetable's columns
        # (bound/columns.py): seconds on components whose whole LP took PDLP tens; interrupted by its
        # share of the time, its last round's point still steers (the columns left out at zero)
        bound, point, reduced = lp_by_columns(
            as_linear(model),
            lp_start(model, best(), warm),
            100.0 * budget + 60.0 if deterministic else LP_SHARE * left(),
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


class AheadLp(Protocol):
    """A component's model and LP from the thread of lp_ahead.py (``LpAhead.of``)."""

    def model(self) -> ExactModel | None: ...

    def done(self) -> bool: ...

    def wait(self, seconds: float) -> None: ...

    def solution(self) -> LpSolution | None: ...


def _descend_and_round(instance, model, comp, prices, best, take, left, stop, out_of_time) -> list[float]:
    """More of the component's descent (``DESCENT_SHARE`` of its time left: a tighter bound, a better
    point), its bound and its point rounded and relocated handed to ``take``; returns the new point."""
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
    return warm
