"""A linear model (columns with bounds, rows, objective) and the bound of its LP relaxation: an honest
upper bound by weak duality, with the LP solution and the reduced costs that the improvement uses.

``lp_bound`` solves the whole LP with GLOP's simplex (the reference the tests hold the engine to); the
engine solves the components' LPs by column generation (columns.py), with the same bound. Both price
columns with ``dual_bound`` over the rows as arrays (``SparseRows``). Until session 6 large models went to
PDLP with a polish LP for a vertex (docs/scheduler.md has that history).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.linear_solver import pywraplp

from ..budget import gives_back_memory, interrupting
from . import floored


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


def lp_bound(
    m: LinearModel,
    time_limit: float = 30.0,
    *,
    stop: Callable[[], bool] = lambda: False,
) -> tuple[int | None, list[float] | None, list[float] | None]:
    """An honest bound from the model's LP, the LP solution and the reduced costs (all None when the LP
    did not finish in ``time_limit`` seconds).

    The bound does not trust the LP's optimality tolerances: for *any* row multipliers y, weak duality
    gives obj(x) <= sum_i y_i rhs_i + sum_j max(d_j lb_j, d_j ub_j) with d = c - A^T y (rhs_i is hi for
    y_i >= 0 and lo for y_i < 0; a missing side forces y_i = 0). GLOP's duals make this the LP optimum up
    to rounding; it is floored after a tiny tolerance for floating-point sums. ``stop``: interrupts the
    LP (then nothing is returned).
    """
    solved = _solve(m, time_limit, stop)
    if solved is None:
        return None, None, None
    point, duals = solved
    bound, reduced = _bound(m, duals)
    return bound, point, reduced


@gives_back_memory  # the solver is gone with the frame: what it freed goes back to the system
def _solve(
    m: LinearModel, time_limit: float, stop: Callable[[], bool]
) -> tuple[list[float], list[float]] | None:
    """The LP's solution and row duals, or None when it did not finish in time (its building counts)."""
    if time_limit <= 0:
        return None
    started = time.monotonic()
    lp = pywraplp.Solver.CreateSolver("GLOP")
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


def dual_bound(
    m: LinearModel,
    rows: SparseRows,
    duals: np.ndarray,
    *,
    members: np.ndarray | None = None,
    lp_value: float | None = None,
) -> tuple[float, np.ndarray]:
    """The weak-duality bound of the whole model's LP for row multipliers ``duals`` under either sign
    convention (the lower of the two: both are bounds), without ``m.constant``, and the columns' reduced
    costs under the convention the solver used: the one whose dual value over the columns it had
    (``members``, a mask; all by default) is its optimum ``lp_value`` (strong duality), else the one of
    the lower bound."""
    obj = np.asarray(m.obj, dtype=np.float64)
    lb = np.asarray(m.lb, dtype=np.float64)
    ub = np.asarray(m.ub, dtype=np.float64)
    signs = []
    for sign in (1.0, -1.0):
        y = sign * duals
        # a side that is missing forces its multiplier to zero
        y = np.where((y > 0) & np.isinf(rows.hi) | (y < 0) & np.isinf(rows.lo), 0.0, y)
        sides = np.where(y > 0, y * np.where(np.isinf(rows.hi), 0.0, rows.hi), 0.0) + np.where(
            y < 0, y * np.where(np.isinf(rows.lo), 0.0, rows.lo), 0.0
        )
        reduced = obj - np.bincount(rows.col, weights=y[rows.row] * rows.coef, minlength=m.size)
        terms = np.maximum(reduced * lb, reduced * ub)
        value = float(sides.sum() + terms.sum())
        own = value if members is None else float(sides.sum() + terms[members].sum())
        miss = 0.0 if lp_value is None else abs(own - lp_value)
        signs.append((miss, value, reduced))
    bound = min(value for _, value, _ in signs)
    _, _, reduced = min(signs, key=lambda s: (s[0], s[1]))
    return bound, reduced
