"""The LP relaxation of a ``Master`` (master.py): an honest bound by weak duality, the LP solution and
the reduced costs.

Small models go to GLOP's simplex. Large ones (``approximate``) go to PDLP, a first-order primal-dual
method that reaches a near-optimal dual in a fraction of the simplex's time (cstm-stress's 220,000-column
component: 12 s against 33-41 s); its duals bound the LP by the same weak duality, a little above the
optimum. Its primal solution is interior and rounds badly, so a *polish* step re-solves, with GLOP, the
LP restricted to PDLP's support and the columns of reduced cost near zero (about 5 % of them): a vertex
whose value is the LP optimum up to PDLP's tolerance, for the rounding and the restricted models.
"""

from __future__ import annotations

import math
import time

from .master import Master, Row

# PDLP stops at this relative optimality gap (1e-5 took twice as long for the last 0.09 % of the bound)
APPROXIMATE_LP = (
    "num_threads: 1 termination_criteria { simple_optimality_criteria { eps_optimal_relative: 1e-4 } }"
)
POLISH_REDUCED_COST = 2.0  # the polish LP keeps the columns whose PDLP reduced cost is above -this
POLISH_SUPPORT = 1e-4  # ... and those PDLP gives at least this value


def lp_bound(
    m: Master, time_limit: float = 30.0, *, approximate: bool = False
) -> tuple[int | None, list[float] | None, list[float] | None]:
    """An honest bound from the master's LP, the LP solution and the reduced costs (all None when the LP
    did not finish in ``time_limit`` seconds).

    The bound does not trust the LP's optimality tolerances: for *any* row multipliers y, weak duality
    gives obj(x) <= sum_i y_i rhs_i + sum_j max(d_j lb_j, d_j ub_j) with d = c - A^T y (rhs_i is hi for
    y_i >= 0 and lo for y_i < 0; a missing side forces y_i = 0). GLOP's duals make this the LP optimum up
    to rounding, PDLP's the optimum within its tolerance; it is floored after a tiny tolerance for
    floating-point sums. ``approximate``: PDLP, then the polish step (module docstring) for the solution.
    """
    started = time.monotonic()
    solved = _solve(m, time_limit, "PDLP" if approximate else "GLOP")
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
    polished = _solve(_restricted(m, keep), time_limit - (time.monotonic() - started), "GLOP")
    if polished is not None:  # only its solution: its duals do not bound the model
        point = [0.0] * m.size
        for v, x in zip(keep, polished[0], strict=True):
            point[v] = x
    return bound, point, reduced


def _solve(m: Master, time_limit: float, solver_id: str) -> tuple[list[float], list[float]] | None:
    """The LP's solution and row duals, or None when it did not finish in time."""
    from ortools.linear_solver import pywraplp

    if time_limit <= 0:
        return None
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
    lp.SetTimeLimit(int(time_limit * 1000))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return [x.solution_value() for x in xs], [c.dual_value() for c in cons]


def _bound(m: Master, duals: list[float]) -> tuple[int, list[float]]:
    """The floored weak-duality bound of the master for an LP's row duals, and the reduced costs."""
    best = None
    for sign in (1.0, -1.0):  # whichever sign convention the LP uses, both give valid bounds
        value, reduced = _dual_bound(m, [sign * y for y in duals])
        if best is None or value < best[0]:
            best = (value, reduced)
    value, reduced = best
    bound = math.floor(value + 1e-9 * max(1.0, abs(value)) + 1e-6) + m.constant
    return bound, reduced


def _dual_bound(m: Master, ys: list[float]) -> tuple[float, list[float]]:
    """Weak-duality bound of the master's LP for row multipliers ys, and the reduced costs d."""
    d = [float(c) for c in m.obj]
    total = 0.0
    for row, y in zip(m.rows, ys, strict=True):
        if y > 0 and row.hi is None or y < 0 and row.lo is None:
            y = 0.0
        if y == 0.0:
            continue
        total += y * (row.hi if y > 0 else row.lo)
        for v, k in zip(row.vars, row.coefs, strict=True):
            d[v] -= y * k
    for v, dv in enumerate(d):
        total += max(dv * m.lb[v], dv * m.ub[v])
    return total, d


def _restricted(m: Master, keep: list[int]) -> Master:
    """The master with only the ``keep`` variables (the others at zero)."""
    new = {v: i for i, v in enumerate(keep)}
    r = Master(
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
