"""The exact model solved by CP-SAT, for an OR-Tools build without SCIP (exact_solve.py falls back here)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..bound.linear import LinearModel
from ..budget import interrupting


def cp_model_of(m: LinearModel):
    """The linear model as a CP-SAT model (variables in the same order)."""
    model = cp_model.CpModel()
    xs = [
        model.NewBoolVar("") if lo == 0 and hi == 1 else model.NewIntVar(lo, max(lo, hi), "")
        for lo, hi in zip(m.lb, m.ub, strict=True)
    ]
    for row in m.rows:
        expr = sum(k * xs[v] for v, k in zip(row.vars, row.coefs, strict=True))
        if row.lo is not None and row.hi is not None:
            model.Add(expr >= row.lo)
            model.Add(expr <= row.hi)
        elif row.lo is not None:
            model.Add(expr >= row.lo)
        else:
            model.Add(expr <= row.hi)
    model.Maximize(sum(k * xs[v] for v, k in enumerate(m.obj) if k))
    return model, xs


@dataclass
class _CpSatResult:
    point: list[int] | None  # best point found (None when nothing)
    bound: int | None  # proven upper bound (objective units, constant included)
    optimal: bool = False  # the point is proven optimal


def solve_cp_sat(m: LinearModel, hint, time_limit: float, *, seed: int, stop, workers: int) -> _CpSatResult:
    """CP-SAT on the linear model, hinted; ``workers`` 0: deterministic (one worker, deterministic time)."""
    model, xs = cp_model_of(m)
    if hint is not None:
        for x, v in zip(xs, hint, strict=True):
            model.AddHint(x, v)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.linearization_level = 2
    if workers:  # wall-clock limited
        p.num_workers = workers
        p.max_time_in_seconds = max(0.1, time_limit)
    else:  # deterministic: one worker, deterministic time
        p.num_workers = 1
        p.max_deterministic_time = max(0.1, time_limit)
        p.max_time_in_seconds = 100.0 * time_limit + 60.0  # only a safety net
    with interrupting(stop, solver.StopSearch):
        status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _CpSatResult(None, None)
    point = [solver.Value(x) for x in xs]
    bound = math.floor(solver.BestObjectiveBound() + 1e-6) + m.constant
    return _CpSatResult(point, bound, optimal=status == cp_model.OPTIMAL)
