"""Honest upper bounds: the LP relaxation of the master (GLOP) and a capacity-free bound."""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .data import Instance
from .slots import Slot

_BIG = 2**60


def lp_bound(model: cp_model.CpModel, constant: int, time_limit: float) -> int | None:
    """floor of the LP optimum of a linear CP-SAT model (a relaxation of it), or None if not solved."""
    proto = model.Proto()
    lp = pywraplp.Solver.CreateSolver("GLOP")
    if lp is None:
        return None
    inf = lp.infinity()
    variables = []
    for v in proto.variables:
        dom = v.domain
        variables.append(lp.NumVar(dom[0], dom[len(dom) - 1], ""))
    for c in proto.constraints:
        if not c.has_linear() or len(c.enforcement_literal):
            continue  # dropping a constraint keeps a relaxation
        dom = c.linear.domain
        lo, hi = dom[0], dom[len(dom) - 1]
        row = lp.Constraint(-inf if lo <= -_BIG else lo, inf if hi >= _BIG else hi)
        for var, coef in zip(c.linear.vars, c.linear.coeffs, strict=True):
            row.SetCoefficient(variables[var], coef)
    objective = lp.Objective()
    sign = -1 if proto.objective.scaling_factor < 0 else 1  # Maximize is stored negated
    for var, coef in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        objective.SetCoefficient(variables[var], sign * coef)
    objective.SetMaximization()
    lp.SetTimeLimit(int(time_limit * 1000))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    # a small tolerance keeps the floor safe against the LP's own rounding
    return math.floor(objective.Value() + 1e-6 * max(1.0, abs(objective.Value()))) + constant


def capacity_free_bound(instance: Instance, options: dict[str, list[Slot]]) -> int:
    """Each film alone at its best allowed starts (max_per_day, max_screenings), ignoring theater time.

    Pins count towards their film; previous screenings are assumed kept. It is loose but always valid.
    """
    total = 0
    theaters = instance.theater_by_id
    for f in instance.films:
        per_day: dict[int, list[int]] = defaultdict(list)
        for s in options[f.id]:
            per_day[s.day].extend([instance.value(f, theaters[s.theater], s.lo)] * f.max_per_day)
        best = []
        for values in per_day.values():
            best.extend(sorted(values, reverse=True)[: f.max_per_day])
        best.sort(reverse=True)
        take = best[: f.max_screenings]
        total += sum(take) - instance.weights.shortfall_penalty * max(0, f.min_screenings - len(take))
    return total
