"""Independent components, and the linear models the solvers share: ``Master`` (columns, rows) and its
integer solves (SCIP, or CP-SAT where SCIP is missing); its LP bound is in lp.py.

A *component* is a connected set of theaters: two theaters are linked when some film can be shown in both.
No hard rule and no objective term links two components (counts, copies, pins and previous screenings are
per film, and a film's screenings all lie in its component's theaters), so the best timetable of the
whole is the union of the best timetables of the components, and the sum of the components' bounds bounds
the whole.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .budget import UNLIMITED, Budget
from .data import Instance, Screening


@dataclass(frozen=True)
class Component:
    theaters: tuple[str, ...]
    films: tuple[str, ...]


def components(instance: Instance, budget: Budget = UNLIMITED) -> tuple[list[Component], list[str]]:
    """Connected components of the film-theater compatibility graph, and films no theater can show;
    raises OutOfTime when the budget runs out."""
    parent = {t.id: t.id for t in instance.theaters}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    home: dict[str, str] = {}
    orphans = []
    for f in instance.films:
        budget.check()
        ts = [t.id for t in instance.theaters if instance.compatible(f, t)]
        if not ts:
            orphans.append(f.id)
            continue
        for tid in ts[1:]:
            ra, rb = find(tid), find(ts[0])
            if ra != rb:
                parent[ra] = rb
        home[f.id] = ts[0]
    theaters: dict[str, list[str]] = defaultdict(list)
    films: dict[str, list[str]] = defaultdict(list)
    for t in instance.theaters:
        theaters[find(t.id)].append(t.id)
    for fid, tid in home.items():
        films[find(tid)].append(fid)
    comps = [Component(tuple(ts), tuple(films[root])) for root, ts in theaters.items() if films[root]]
    return comps, orphans


def component_objective(instance: Instance, screenings: list[Screening], films) -> int:
    """The objective terms of these films alone: their screenings' attendance, their shortfall, their
    previous screenings not kept (a component's share of the whole objective)."""
    members = set(films)
    by_id, theaters = instance.film_by_id, instance.theater_by_id
    mine = [s for s in screenings if s.film in members]
    count = dict.fromkeys(members, 0)
    for s in mine:
        count[s.film] += 1
    present = {s.key for s in mine}
    w = instance.weights
    changes = sum(1 for p in instance.previous if p.film in members and p.key not in present)
    return (
        sum(instance.value(by_id[s.film], theaters[s.theater], s.start) for s in mine)
        - w.shortfall_penalty * sum(max(0, by_id[f].min_screenings - n) for f, n in count.items())
        - w.change_penalty * changes
    )


@dataclass
class Row:
    """lo <= sum(coef * var) <= hi over variable indices."""

    vars: list[int]
    coefs: list[int]
    lo: int | None
    hi: int | None


@dataclass
class Master:
    """A maximisation over integer variables within [lb, ub]: the first ``len(cols)`` are the model's
    screening columns (a restriction to some of them keeps the others at zero), then auxiliary ones."""

    cols: list
    ub: list[int]
    lb: list[int]
    obj: list[int]
    rows: list[Row] = field(default_factory=list)
    constant: int = 0

    @property
    def size(self) -> int:
        return len(self.ub)


def cp_model_of(m: Master, ub=None):
    """The master as a CP-SAT model (variables in the same order)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    xs = [
        model.NewBoolVar("") if lo == 0 and hi == 1 else model.NewIntVar(lo, max(lo, hi), "")
        for lo, hi in zip(m.lb, m.ub if ub is None else ub, strict=True)
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
class MipResult:
    point: list[int] | None  # best master point found (None when nothing)
    bound: int | None  # proven upper bound of the master (objective units, constant included)
    deterministic_time: float = 0.0
    optimal: bool = False  # the point is proven optimal for this (possibly restricted) master


def solve_mip(
    m: Master,
    hint: list[int] | None,
    time_limit: float,
    *,
    deterministic: bool,
    seed: int,
    workers: int,
    stop,
    columns: set[int] | None = None,
    engine: str = "cp-sat",
    exclude: list[dict[int, int]] = (),
) -> MipResult:
    """Solve the master: SCIP (strong on these knapsack rows), or CP-SAT in deterministic mode.

    ``columns``: only these x columns may be positive (a restricted master: its bound is not valid).
    ``exclude``: partial points {column: count}; no solution may have every such column at least that
    count (CP-SAT only; these cuts are heuristic, so the bound of such a solve is not valid either).
    """
    ub = m.ub
    if columns is not None:
        ub = [0 if v < len(m.cols) and v not in columns else u for v, u in enumerate(m.ub)]
    if deterministic or engine == "cp-sat" or exclude:
        return _solve_cpsat(
            m,
            ub,
            hint,
            time_limit,
            seed=seed,
            stop=stop,
            workers=0 if deterministic else max(1, workers),
            exclude=exclude,
        )
    return _solve_scip(m, ub, hint, time_limit, seed=seed, stop=stop)


def solve_interruptibly(mip, stop) -> int:
    """``mip.Solve()`` (a pywraplp solver), interrupted as soon as ``stop()`` turns true."""
    import threading

    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if stop():
                mip.InterruptSolve()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        return mip.Solve()
    finally:
        done.set()
        watcher.join()


def _solve_scip(m: Master, ub, hint, time_limit: float, *, seed: int, stop) -> MipResult:
    import time

    started = time.monotonic()
    from ortools.linear_solver import pywraplp

    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:
        return _solve_cpsat(m, ub, hint, time_limit, seed=seed, stop=stop, workers=1)
    inf = mip.infinity()
    # columns fixed to 0 are left out (a restricted master is built small)
    xs = [
        mip.IntVar(lo, max(lo, hi), "") if max(lo, hi) > 0 else None for lo, hi in zip(m.lb, ub, strict=True)
    ]
    for row in m.rows:
        c = mip.Constraint(-inf if row.lo is None else row.lo, inf if row.hi is None else row.hi)
        for v, k in zip(row.vars, row.coefs, strict=True):
            if xs[v] is not None:
                c.SetCoefficient(xs[v], k)
    obj = mip.Objective()
    for v, k in enumerate(m.obj):
        if k and xs[v] is not None:
            obj.SetCoefficient(xs[v], k)
    obj.SetMaximization()
    if hint is not None:
        pairs = [(x, float(h)) for x, h in zip(xs, hint, strict=True) if x is not None]
        mip.SetHint([x for x, _ in pairs], [h for _, h in pairs])
    mip.SetSolverSpecificParametersAsString(f"randomization/randomseedshift = {seed % 1000}\n")
    # SCIP's clock starts after the model is built and handed over
    left = time_limit - (time.monotonic() - started) - 1e-5 * sum(x is not None for x in xs)
    mip.SetTimeLimit(max(100, int(left * 1000)))
    status = solve_interruptibly(mip, stop)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return MipResult(None, None)
    point = [round(x.solution_value()) if x is not None else 0 for x in xs]
    raw = obj.BestBound()
    bound = None
    if math.isfinite(raw) and abs(raw) < 1e15:
        bound = math.floor(raw + 1e-6 * max(1.0, abs(raw)) + 1e-6) + m.constant
    return MipResult(point, bound, optimal=status == pywraplp.Solver.OPTIMAL)


def _solve_cpsat(
    m: Master, ub, hint, time_limit: float, *, seed: int, stop, workers: int = 0, exclude=()
) -> MipResult:
    import threading

    from ortools.sat.python import cp_model

    model, xs = cp_model_of(m, ub)
    for partial in exclude:
        reached = []
        for v, n in partial.items():
            b = model.NewBoolVar("")
            model.Add(xs[v] >= n).OnlyEnforceIf(b)
            model.Add(xs[v] <= n - 1).OnlyEnforceIf(b.Not())
            reached.append(b)
        model.AddBoolOr([b.Not() for b in reached])
        hint = None  # the hint may be the excluded point
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
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if stop():
                solver.StopSearch()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.Solve(model)
    finally:
        done.set()
        watcher.join()
    det = solver.ResponseProto().deterministic_time
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return MipResult(None, None, det)
    point = [solver.Value(x) for x in xs]
    bound = math.floor(solver.BestObjectiveBound() + 1e-6) + m.constant
    return MipResult(point, bound, det, optimal=status == cp_model.OPTIMAL)
