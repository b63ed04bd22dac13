"""A model's LP by column generation: the simplex on a few of its columns, every other column priced
with that LP's duals, the profitable ones added, again until none is left (then the restricted LP's
optimum is the whole LP's) or the time is up.

A component's LP optimum uses few of its columns (cstm-9306's 159k-column component: 12k; four-times'
107k and 222k ones: 34k and 19k), and the descent's averaged solution (improve/prices.py) names most of
them, so started from there the rounds end in seconds with the exact LP optimum, where the whole LP took
PDLP 8-23 s or more and 180 MB on the largest (docs/scheduler.md, "Solving a component with it", step 1).

Every round's duals bound the whole model by weak duality (linear.py's argument: any multipliers of the
right signs do), priced over all columns at once with numpy; the result is the lowest of them, honest
whether or not the rounds finished. The simplex keeps its basis between rounds (no presolve, primal
simplex: a basis stays feasible when columns are added), so a round after the first takes tenths of a
second.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

import numpy as np
from ortools.linear_solver import pywraplp

from ..budget import gives_back_memory, interrupting
from . import floored
from .linear import LinearModel, SparseRows, dual_bound

log = logging.getLogger("scheduler")

# columns added in a round at most, the most profitable first: more make fewer rounds of a longer simplex;
# twice as many after each round whose duals did not lower the bound (films far short of their minimum
# price all their columns at about the shortfall penalty until enough of them are in)
BATCH = 5_000
# a column priced above this is profitable (the duals are floating point)
PROFIT = 1e-6


@gives_back_memory  # the simplex is gone with the frame: what it freed goes back to the system
def lp_by_columns(
    m: LinearModel,
    start: Iterable[int],
    time_limit: float,
    *,
    stop: Callable[[], bool] = lambda: False,
    on_bound: Callable[[int], None] | None = None,
    groups: np.ndarray | None = None,
) -> tuple[int | None, list[float] | None, list[float] | None]:
    """The model's LP by column generation from the columns ``start`` (the auxiliary columns and those
    with a positive lower bound are always in): the lowest bound of the rounds (weak duality, floored,
    ``m.constant`` included), the last round's solution (zero outside its columns: a point of the whole
    LP) and the reduced costs of its duals, as linear.lp_bound returns them; all None when not even the
    first round ended within ``time_limit`` seconds or before ``stop``. ``on_bound``: called with each
    round's bound when it is the lowest so far. ``groups``: a group number per column (the exact model's
    film; -1 for none): a round adds the most profitable columns of every group alike instead of the
    most profitable overall, so that films far short of their minimum (priced about the shortfall
    penalty) do not take a whole round."""
    deadline = time.monotonic() + time_limit
    rows = SparseRows.of(m)
    lp = pywraplp.Solver.CreateSolver("GLOP")
    params = pywraplp.MPSolverParameters()
    params.SetIntegerParam(params.PRESOLVE, params.PRESOLVE_OFF)
    params.SetIntegerParam(params.LP_ALGORITHM, params.PRIMAL)
    inf = lp.infinity()
    cons = [
        lp.Constraint(-inf if lo == -np.inf else lo, inf if hi == np.inf else hi)
        for lo, hi in zip(rows.lo.tolist(), rows.hi.tolist(), strict=True)
    ]
    objective = lp.Objective()
    objective.SetMaximization()
    xs: dict[int, pywraplp.Variable] = {}
    member = np.zeros(m.size, dtype=bool)

    def add(columns: Iterable[int]) -> None:
        for v in columns:
            if member[v]:
                continue
            member[v] = True
            x = xs[v] = lp.NumVar(m.lb[v], m.ub[v], "")
            if m.obj[v]:
                objective.SetCoefficient(x, m.obj[v])
            lo, hi = rows.starts[v], rows.starts[v + 1]
            for r, k in zip(rows.row[lo:hi].tolist(), rows.coef[lo:hi].tolist(), strict=True):
                cons[r].SetCoefficient(x, k)

    add(v for v in range(m.size) if v >= len(m.cols) or m.lb[v] > 0)
    add(start)
    bound: int | None = None
    point = reduced = None
    batch = BATCH
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or stop():
            break
        lp.SetTimeLimit(max(1, int(left * 1000)))
        with interrupting(stop, lp.InterruptSolve):
            status = lp.Solve(params)
        if status != pywraplp.Solver.OPTIMAL:
            break
        duals = np.fromiter((c.dual_value() for c in cons), dtype=np.float64, count=len(cons))
        value, costs = dual_bound(m, rows, duals, members=member, lp_value=objective.Value())
        point = np.zeros(m.size)
        point[list(xs)] = [x.solution_value() for x in xs.values()]
        reduced = costs
        rounded = floored(value) + m.constant
        if bound is None or rounded < bound:
            bound, batch = rounded, BATCH
            if on_bound is not None:
                on_bound(bound)
        else:  # the duals did not move the bound: more columns at once (twice as many each such round)
            batch *= 2
        profitable = np.flatnonzero(~member & (costs > PROFIT))
        log.debug(
            "column generation: %d of %d columns, LP %.1f, bound %d, %d more profitable",
            len(xs), m.size, objective.Value() + m.constant, rounded, profitable.size,
        )  # fmt: skip
        if profitable.size == 0:  # no column to add: the restricted LP's optimum is the whole LP's
            break
        add(_most_profitable(profitable, costs, batch, groups).tolist())
    if point is None:
        return None, None, None
    return bound, point.tolist(), reduced.tolist()


def _most_profitable(
    profitable: np.ndarray, costs: np.ndarray, batch: int, groups: np.ndarray | None
) -> np.ndarray:
    """At most ``batch`` of the ``profitable`` columns, the most profitable first: overall, or by group
    (each group's best ``batch / groups`` at most)."""
    if profitable.size <= batch:
        return profitable
    if groups is None:
        return profitable[np.argpartition(-costs[profitable], batch)[:batch]]
    group = groups[profitable]
    order = np.lexsort((-costs[profitable], group))
    ranked, group = profitable[order], group[order]
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    rank = np.arange(ranked.size) - np.repeat(first, np.diff(np.r_[first, ranked.size]))
    return ranked[rank < max(1, batch // first.size)]
