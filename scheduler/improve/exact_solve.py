"""Solving a component's exact model, whole or as a sub-model: SCIP (its LP relaxation is tight on these
interval rows), or CP-SAT on the same linear model where an OR-Tools build has no SCIP."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from ortools.linear_solver import pywraplp

from ..budget import gives_back_memory, interrupting
from ..data import Screening
from .exact_model import ExactModel, ExactResult, as_linear

log = logging.getLogger("scheduler")

# deterministic mode: SCIP is limited by branch-and-bound nodes, this many per second of its time limit
# (more nodes: better timetables and bounds from the same limit, but a longer run on a slow machine)
DETERMINISTIC_NODES_PER_SECOND = 200
# SCIP's own memory (its estimate, in MB) at most per model: two lanes each solve one at once, and the
# process must stay under 512 MB on CSTM-sized festivals (a whole 60,000-column model grew past 400 MB in
# 40 s). At the cap SCIP ends with its best timetable and bound, and the neighbourhood search goes on.
SCIP_MEMORY_MB = 150
# SCIP is not started on a model with more nonzeros than this: under SCIP_MEMORY_MB it would stop at its
# memory cap right after presolving, before its first LP, with nothing but the hint, after holding 140-220
# MB for 1-3 s (measured on CSTM-sized components: whole models of 21k-60k columns, 135k-512k nonzeros, all
# stopped so; sub-models up to 104k nonzeros got past the root; docs/scheduler.md, "Memory: SCIP where it
# cannot hold the model")
SCIP_NONZEROS = 120_000


def _floor(x: float) -> int:
    return math.floor(x + 1e-6)


@gives_back_memory  # the solver is gone with the frame: what SCIP freed goes back to the system
def solve_exact(
    model: ExactModel,
    *,
    hint: list[Screening],
    time_limit: float,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    columns: set[int] | None = None,
    ones: set[int] = frozenset(),
) -> ExactResult:
    """Solve the model with SCIP (its LP relaxation is tight on these interval rows), hinted with a valid
    timetable. Deterministic mode limits SCIP by branch-and-bound nodes instead of the clock.

    ``columns``: only these screening columns may be chosen; ``ones``: these are chosen (taken out of the
    model, their rows' limits lowered). Either makes a sub-model: its solutions are still valid
    timetables, but its bound is not a bound of the component (``bound`` is then None)."""
    started = time.monotonic()
    if model.infeasible or stop():
        return ExactResult(None, None, None, False)
    sub = columns is not None or bool(ones)
    if sub:
        free = [v for v in range(model.size) if v not in ones and (columns is None or v in columns)]
        free.extend(range(model.size, len(model.coef)))  # shortfall counts
    else:
        free = list(range(len(model.coef)))
    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:  # an OR-Tools build without SCIP: the whole model with CP-SAT
        return _solve_without_scip(
            model, hint, time_limit, seed=seed, deterministic=deterministic, stop=stop, sub=sub
        )
    allowed = set(free) if sub else None
    if allowed is not None and any(v not in ones and v not in allowed for v in model.fixed):
        return ExactResult(None, None, None, False)  # a pin left out of the sub-model
    rows = _rows(model, allowed, ones)
    nonzeros = sum(len(cols) for cols, _, _ in rows)
    if nonzeros > SCIP_NONZEROS:  # SCIP would reach its memory cap before its first LP
        log.debug("SCIP not started: %d nonzeros (%d columns)", nonzeros, len(free))
        return ExactResult(None, None, None, False)
    inf = mip.infinity()
    xs: dict[int, object] = {v: mip.IntVar(0, model.ub[v], "") for v in free}
    for v in model.fixed:
        if v in xs:
            xs[v].SetLb(1)
    for cols, lo, hi in rows:
        constraint = mip.Constraint(-inf if lo is None else lo, inf if hi is None else hi)
        for v in cols:
            constraint.SetCoefficient(xs[v], 1)
    obj = mip.Objective()
    for v, x in xs.items():
        if model.coef[v]:
            obj.SetCoefficient(x, model.coef[v])
    obj.SetMaximization()
    start = model.point_of(hint)
    mip.SetHint(list(xs.values()), [float(start[v]) for v in xs])
    params = [f"randomization/randomseedshift = {seed % 1000}", f"limits/memory = {SCIP_MEMORY_MB}"]
    if deterministic:
        params.append(f"limits/nodes = {max(1, int(time_limit * DETERMINISTIC_NODES_PER_SECOND))}")
        mip.SetTimeLimit(int((100.0 * time_limit + 60.0) * 1000))  # only a safety net
    else:  # SCIP's clock starts after the model is handed over (about 1 s per 100,000 columns)
        left = time_limit - (time.monotonic() - started) - 1e-5 * len(xs)
        if left <= 0:  # the building took the time (a loaded machine): nothing past the limit
            return ExactResult(None, None, None, False)
        mip.SetTimeLimit(max(100, int(left * 1000)))
    mip.SetSolverSpecificParametersAsString("\n".join(params) + "\n")
    status = solve_interruptibly(mip, stop)
    raw = obj.BestBound()
    bound = _floor(raw) + model.constant if not sub and math.isfinite(raw) and abs(raw) < 1e15 else None
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return ExactResult(None, None, bound, False)
    chosen = sorted(ones | {v for v, x in xs.items() if v < model.size and x.solution_value() > 0.5})
    screenings = model.screenings_of(chosen)
    objective = sum(model.coef[v] for v in chosen) + model.constant
    objective += sum(model.coef[short] * round(xs[short].solution_value()) for _, short, _ in model.cover)
    return ExactResult(screenings, objective, bound, status == pywraplp.Solver.OPTIMAL)


def scip_holds(model: ExactModel) -> bool:
    """Whether SCIP is started on the whole model (``SCIP_NONZEROS``)."""
    nonzeros = sum(len(cols) for cols, _ in model.rows) + sum(len(cols) + 1 for cols, _, _ in model.cover)
    return nonzeros <= SCIP_NONZEROS


def _rows(
    model: ExactModel, allowed: set[int] | None, ones: set[int]
) -> list[tuple[list[int], int | None, int | None]]:
    """The (sub-)model's rows as ``(columns, lo, hi)``: over the ``allowed`` columns (None: all), their
    limits lowered by the ``ones``; a row that no longer binds is left out."""
    rows: list[tuple[list[int], int | None, int | None]] = []
    for cols, limit in model.rows:
        taken = sum(1 for v in cols if v in ones) if ones else 0
        row = cols if allowed is None else [v for v in cols if v in allowed]
        if row and len(row) > limit - taken:
            rows.append((row, None, limit - taken))
    for cols, short, need in model.cover:
        taken = sum(1 for v in cols if v in ones) if ones else 0
        row = cols if allowed is None else [v for v in cols if v in allowed]
        rows.append(([*row, short], need - taken, None))
    return rows


def _solve_without_scip(model, hint, time_limit, *, seed, deterministic, stop, sub) -> ExactResult:
    # imported here: CP-SAT takes a second and tens of megabytes to load, and only an OR-Tools build
    # without SCIP needs it
    from .exact_cp_sat import solve_cp_sat

    linear = as_linear(model)
    res = solve_cp_sat(
        linear, model.point_of(hint), time_limit, seed=seed, stop=stop, workers=0 if deterministic else 1
    )
    if res.point is None:
        return ExactResult(None, None, None, False)
    chosen = [v for v in range(model.size) if res.point[v] > 0]
    return ExactResult(
        model.screenings_of(chosen),
        model.objective_of(model.screenings_of(chosen)),
        None if sub else res.bound,
        res.optimal,
    )


def solve_interruptibly(mip, stop) -> int:
    """``mip.Solve()`` (a pywraplp solver), interrupted as soon as ``stop()`` turns true."""
    with interrupting(stop, mip.InterruptSolve):
        return mip.Solve()
