"""A linear model (columns with bounds, rows, objective) and the bound of its LP relaxation: an honest
upper bound by weak duality, with the LP solution and the reduced costs that the improvement uses.

Small models go to GLOP's simplex. Large ones (``approximate``) go to PDLP, a first-order primal-dual
method that reaches a near-optimal dual in a fraction of the simplex's time; its duals bound the LP by the
same weak duality, a little above the optimum (docs/scheduler.md has the measurements). Its primal
solution is interior and rounds badly, so a *polish* step re-solves, with GLOP, the LP restricted to
PDLP's support and the columns of reduced cost near zero (about 5 % of them): a vertex whose value is the
LP optimum up to PDLP's tolerance, for the rounding and the restricted models.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from ..budget import gives_back_memory, interrupting


@dataclass
class Row:
    """lo <= sum(coef * var) <= hi over variable indices."""

    vars: list[int]
    coefs: list[int]
    lo: int | None
    hi: int | None


@dataclass
class LinearModel:
    """A maximisation over integer variables within [lb, ub]: the first ``len(cols)`` are the model's
    screening columns (a restriction to some of them keeps the others at zero), then auxiliary ones
    (the improvement stage builds one from a component's exact model)."""

    cols: list
    ub: list[int]
    lb: list[int]
    obj: list[int]
    rows: list[Row] = field(default_factory=list)
    constant: int = 0

    @property
    def size(self) -> int:
        return len(self.ub)


# PDLP's stopping gap: a tighter one gives a tighter bound (1e-5: under 0.1 % of it) in about twice the time
APPROXIMATE_LP = (
    "num_threads: 1 termination_criteria { simple_optimality_criteria { eps_optimal_relative: 1e-4 } }"
)
# the polish LP keeps the columns whose PDLP reduced cost is above -POLISH_REDUCED_COST and those PDLP gives
# at least POLISH_SUPPORT: more columns make a better vertex in a longer simplex
POLISH_REDUCED_COST = 2.0
POLISH_SUPPORT = 1e-4


def lp_bound(
    m: LinearModel,
    time_limit: float = 30.0,
    *,
    approximate: bool = False,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[int | None, list[float] | None, list[float] | None]:
    """An honest bound from the model's LP, the LP solution and the reduced costs (all None when the LP
    did not finish in ``time_limit`` seconds).

    The bound does not trust the LP's optimality tolerances: for *any* row multipliers y, weak duality
    gives obj(x) <= sum_i y_i rhs_i + sum_j max(d_j lb_j, d_j ub_j) with d = c - A^T y (rhs_i is hi for
    y_i >= 0 and lo for y_i < 0; a missing side forces y_i = 0). GLOP's duals make this the LP optimum up
    to rounding, PDLP's the optimum within its tolerance; it is floored after a tiny tolerance for
    floating-point sums. ``approximate``: PDLP, then the polish step (module docstring) for the solution.
    ``stop``: interrupts the LP (then nothing is returned).
    """
    started = time.monotonic()
    solved = _solve(m, time_limit, "PDLP" if approximate else "GLOP", stop)
    if solved is None:
        return None, None, None
    point, duals = solved
    bound, reduced = _bound(m, duals)
    if not approximate:
        return bound, point, reduced
    keep = [
        v
        for v in range(m.size)
        if v >= len(m.cols) or m.lb[v] > 0 or point[v] > POLISH_SUPPORT or reduced[v] > -POLISH_REDUCED_COST
    ]
    polished = _solve(_restricted(m, keep), time_limit - (time.monotonic() - started), "GLOP", stop)
    if polished is not None:  # only its solution: its duals do not bound the model
        point = [0.0] * m.size
        for v, x in zip(keep, polished[0], strict=True):
            point[v] = x
    return bound, point, reduced


@gives_back_memory  # the solver is gone with the frame: what it freed goes back to the system
def _solve(
    m: LinearModel, time_limit: float, solver_id: str, stop: Callable[[], bool]
) -> tuple[list[float], list[float]] | None:
    """The LP's solution and row duals, or None when it did not finish in time (its building counts)."""
    if time_limit <= 0:
        return None
    started = time.monotonic()
    lp = pywraplp.Solver.CreateSolver(solver_id)
    if lp is None:  # an OR-Tools build without PDLP: the simplex
        lp = pywraplp.Solver.CreateSolver("GLOP")
    elif solver_id == "PDLP":
        lp.SetSolverSpecificParametersAsString(APPROXIMATE_LP)
    inf = lp.infinity()
    xs = [lp.NumVar(lo, hi, "") for lo, hi in zip(m.lb, m.ub, strict=True)]
    cons = []
    for row in m.rows:
        c = lp.Constraint(-inf if row.lo is None else row.lo, inf if row.hi is None else row.hi)
        for v, k in zip(row.vars, row.coefs, strict=True):
            c.SetCoefficient(xs[v], k)
        cons.append(c)
    obj = lp.Objective()
    for v, k in enumerate(m.obj):
        if k:
            obj.SetCoefficient(xs[v], k)
    obj.SetMaximization()
    # the building counts against the limit (seconds for large models on a loaded machine): the caller
    # has other bounds and timetables to fall back on (improve/prices.py), never a result past its time
    left = time_limit - (time.monotonic() - started)
    if left <= 0 or stop():
        return None
    lp.SetTimeLimit(int(left * 1000))
    with interrupting(stop, lp.InterruptSolve):
        status = lp.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return None
    return [x.solution_value() for x in xs], [c.dual_value() for c in cons]


def _bound(m: LinearModel, duals: list[float]) -> tuple[int, list[float]]:
    """The floored weak-duality bound of the model for an LP's row duals, and the reduced costs."""
    value, reduced = dual_bound(m, SparseRows.of(m), np.asarray(duals, dtype=np.float64))
    return floored(value) + m.constant, reduced.tolist()


def floored(value: float) -> int:
    """A bound computed in floating point, floored after a tiny tolerance for the sums' rounding."""
    return math.floor(value + 1e-9 * max(1.0, abs(value)) + 1e-6)


@dataclass
class SparseRows:
    """A linear model's rows as arrays: coefficient k is ``coef[k]`` at (``row[k]``, ``col[k]``), sorted
    by column (``starts[v]:starts[v + 1]`` are column v's); sides with -inf / inf where missing."""

    row: np.ndarray
    col: np.ndarray
    coef: np.ndarray
    starts: np.ndarray
    lo: np.ndarray
    hi: np.ndarray

    @classmethod
    def of(cls, m: LinearModel) -> SparseRows:
        lengths = np.fromiter((len(r.vars) for r in m.rows), dtype=np.int64, count=len(m.rows))
        row = np.repeat(np.arange(len(m.rows), dtype=np.int32), lengths)
        col = np.fromiter((v for r in m.rows for v in r.vars), dtype=np.int32, count=int(lengths.sum()))
        coef = np.fromiter((k for r in m.rows for k in r.coefs), dtype=np.float64, count=len(col))
        order = np.argsort(col, kind="stable")
        row, col, coef = row[order], col[order], coef[order]
        starts = np.searchsorted(col, np.arange(m.size + 1))
        lo = np.array([-np.inf if r.lo is None else r.lo for r in m.rows], dtype=np.float64)
        hi = np.array([np.inf if r.hi is None else r.hi for r in m.rows], dtype=np.float64)
        return cls(row, col, coef, starts, lo, hi)


def dual_bound(m: LinearModel, rows: SparseRows, duals: np.ndarray) -> tuple[float, np.ndarray]:
    """The weak-duality bound of the whole model's LP for row multipliers ``duals`` (either sign
    convention: the lower of the two, as linear._bound) and the columns' reduced costs; ``m.constant``
    not included."""
    obj = np.asarray(m.obj, dtype=np.float64)
    lb = np.asarray(m.lb, dtype=np.float64)
    ub = np.asarray(m.ub, dtype=np.float64)
    best: tuple[float, np.ndarray] | None = None
    for sign in (1.0, -1.0):
        y = sign * duals
        # a side that is missing forces its multiplier to zero
        y = np.where((y > 0) & np.isinf(rows.hi) | (y < 0) & np.isinf(rows.lo), 0.0, y)
        sides = np.where(y > 0, y * np.where(np.isinf(rows.hi), 0.0, rows.hi), 0.0) + np.where(
            y < 0, y * np.where(np.isinf(rows.lo), 0.0, rows.lo), 0.0
        )
        reduced = obj - np.bincount(rows.col, weights=y[rows.row] * rows.coef, minlength=m.size)
        value = float(sides.sum() + np.maximum(reduced * lb, reduced * ub).sum())
        if best is None or value < best[0]:
            best = (value, reduced)
    assert best is not None
    return best


def _restricted(m: LinearModel, keep: list[int]) -> LinearModel:
    """The model with only the ``keep`` variables (the others at zero)."""
    new = {v: i for i, v in enumerate(keep)}
    r = LinearModel(
        cols=[m.cols[v] for v in keep if v < len(m.cols)],
        ub=[m.ub[v] for v in keep],
        lb=[m.lb[v] for v in keep],
        obj=[m.obj[v] for v in keep],
        constant=m.constant,
    )
    for row in m.rows:
        pairs = [(new[v], k) for v, k in zip(row.vars, row.coefs, strict=True) if v in new]
        r.rows.append(Row([v for v, _ in pairs], [k for _, k in pairs], row.lo, row.hi))
    return r
