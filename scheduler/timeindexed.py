"""The exact time-indexed model of a component: one Boolean per (film, theater, start on the grid).

Every hard rule is a linear row over these Booleans, so every integer point is a valid timetable (no
sequencing step) and every upper bound proven for the model is an honest bound of the component:
- one screening at a time: at each start point of a theater, at most one screening whose occupancy
  ``[s, s + runtime + changeover)`` contains it (two intervals with grid starts overlap exactly when one
  contains the other's start, so these rows are exact);
- copies: at each start point, at most ``copies`` screenings of the film running ``[s, s + runtime)``
  across the component's theaters (only where the counts allow more than that);
- counts as sums, the minimum with an explicit shortfall count, pins as fixed columns, and a previous
  screening kept is its own column (its change penalty moves into that column's coefficient).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .budget import UNLIMITED, Budget
from .data import DAY, Film, Instance, Screening, Theater
from .slots import align_down, align_up

DETERMINISTIC_NODES_PER_SECOND = 200  # SCIP's node limit per second of the time limit in deterministic mode


@dataclass
class TimeIndexed:
    """Columns: ``keys[v] = (film, theater, start)`` for the Booleans, then one shortfall count per film
    with a minimum. ``rows`` are ``(columns, upper limit)`` with unit coefficients; ``cover`` are
    ``sum(columns) + short >= need``."""

    keys: list[tuple[str, str, int]] = field(default_factory=list)
    index: dict[tuple[str, str, int], int] = field(default_factory=dict)
    coef: list[int] = field(default_factory=list)
    ub: list[int] = field(default_factory=list)
    rows: list[tuple[list[int], int]] = field(default_factory=list)
    cover: list[tuple[list[int], int, int]] = field(default_factory=list)
    fixed: list[int] = field(default_factory=list)
    infeasible: bool = False
    constant: int = 0

    @property
    def size(self) -> int:
        return len(self.keys)

    def point_of(self, screenings: list[Screening]) -> list[int]:
        """The integer point of a timetable of this component (shortfall counts included)."""
        point = [0] * len(self.coef)
        for s in screenings:
            v = self.index.get(s.key)
            if v is not None:
                point[v] = 1
        for cols, short, need in self.cover:
            point[short] = max(0, need - sum(point[v] for v in cols))
        return point

    def chosen(self, screenings: list[Screening]) -> list[int]:
        """The columns of a timetable's screenings (screenings outside the model are left out)."""
        return [self.index[s.key] for s in screenings if s.key in self.index]

    def objective_of(self, screenings: list[Screening]) -> int:
        """The component's objective of a timetable of its films."""
        point = self.point_of(screenings)
        return sum(c * x for c, x in zip(self.coef, point, strict=True)) + self.constant

    def screenings_of(self, chosen: list[int]) -> list[Screening]:
        return [Screening(s, t, f) for f, t, s in (self.keys[v] for v in chosen)]


def count_columns(
    instance: Instance, films: list[str], theaters: list[str], budget: Budget = UNLIMITED
) -> int:
    """Columns the model of a component would have, without building it; raises OutOfTime when the budget
    runs out."""
    ranges = _start_ranges(instance, films, theaters, budget)
    return sum((hi - lo) // t.step + 1 for _, t, _, lo, hi in ranges)


def _start_ranges(
    instance: Instance, films: list[str], theaters: list[str], budget: Budget = UNLIMITED
) -> Iterator[tuple]:
    """(film, theater, day, first start, last start) of every free segment a film fits in."""
    segments: dict[tuple[str, int], tuple] = {}
    for fid in films:
        f = instance.film_by_id[fid]
        if f.max_screenings <= 0 or f.max_per_day <= 0 or f.copies <= 0:
            continue
        for tid in theaters:
            budget.check()
            t = instance.theater_by_id[tid]
            if not instance.compatible(f, t):
                continue
            for day in instance.film_days(f):
                key = (tid, day)
                if key not in segments:
                    segments[key] = instance.free_segments(t, day)
                for a, e in segments[key]:
                    lo, hi = align_up(a, t.step), align_down(e - f.runtime, t.step)
                    if hi >= lo and hi // DAY == day:
                        yield f, t, day, lo, hi


def _columns(
    instance: Instance, films: list[str], theaters: list[str]
) -> Iterator[tuple[Film, Theater, int, int]]:
    for f, t, day, lo, hi in _start_ranges(instance, films, theaters):
        for s in range(lo, hi + 1, t.step):
            yield f, t, day, s


def build(instance: Instance, films: list[str], theaters: list[str]) -> TimeIndexed:
    """The rows of one component's model (objective: attendance - penalties, maximised)."""
    ti = TimeIndexed()
    w = instance.weights
    by_theater: dict[str, list[int]] = {t: [] for t in theaters}
    by_film_day: dict[tuple[str, int], list[int]] = {}
    by_film: dict[str, list[int]] = {f: [] for f in films}
    for f, t, day, s in _columns(instance, films, theaters):
        v = len(ti.keys)
        key = (f.id, t.id, s)
        ti.keys.append(key)
        ti.index[key] = v
        ti.coef.append(instance.value(f, t, s))
        ti.ub.append(1)
        by_theater[t.id].append(v)
        by_film_day.setdefault((f.id, day), []).append(v)
        by_film[f.id].append(v)
    runtime = {fid: instance.film_by_id[fid].runtime for fid in films}
    for tid, cols in by_theater.items():  # one screening at a time, changeover included
        co = instance.theater_by_id[tid].changeover
        items = [(ti.keys[v][2], ti.keys[v][2] + runtime[ti.keys[v][0]] + co, v) for v in cols]
        ti.rows.extend((row, 1) for row in _interval_rows(items) if len(row) > 1)
    for fid in films:  # copies across theaters, where a day's count allows more screenings than copies
        f = instance.film_by_id[fid]
        cols = by_film[fid]
        if f.max_per_day <= f.copies or len({ti.keys[v][1] for v in cols}) < 2:
            continue
        items = [(ti.keys[v][2], ti.keys[v][2] + f.runtime, v) for v in cols]
        ti.rows.extend((row, f.copies) for row in _interval_rows(items) if len(row) > f.copies)
    for fid in films:
        f = instance.film_by_id[fid]
        cols = by_film[fid]
        if len(cols) > f.max_screenings:
            ti.rows.append((cols, f.max_screenings))
        if f.min_screenings > 0:
            short = len(ti.coef)
            ti.coef.append(-w.shortfall_penalty)
            ti.ub.append(f.min_screenings)
            ti.cover.append((cols, short, f.min_screenings))
    for (fid, _day), cols in by_film_day.items():
        limit = instance.film_by_id[fid].max_per_day
        if len(cols) > limit:
            ti.rows.append((cols, limit))
    film_set = set(films)
    for p in instance.fixed:
        if p.film in film_set:
            v = ti.index.get(p.key)
            if v is None:
                ti.infeasible = True  # a pin that cannot be placed (the engine checks pins first)
            else:
                ti.fixed.append(v)
    prev = [p for p in instance.previous if p.film in film_set]
    for p in prev:
        v = ti.index.get(p.key)
        if v is not None:
            ti.coef[v] += w.change_penalty
    ti.constant = -w.change_penalty * len(prev)
    return ti


def _interval_rows(items: list[tuple[int, int, int]]) -> list[list[int]]:
    """For each start point, the columns whose ``[start, end)`` contains it; only maximal sets are kept
    (a set contained in its neighbour's is implied by that row)."""
    items.sort()
    starts = sorted({a for a, _, _ in items})
    active: list[tuple[int, int]] = []  # (end, column)
    i = 0
    last: set[int] | None = None
    rows: list[list[int]] = []
    for tau in starts:
        active = [(e, v) for e, v in active if e > tau]
        while i < len(items) and items[i][0] == tau:
            active.append((items[i][1], items[i][2]))
            i += 1
        current = {v for _, v in active}
        if last is not None and current <= last:
            continue
        if last is not None and last <= current:
            rows[-1] = sorted(current)
        else:
            rows.append(sorted(current))
        last = current
    return rows


@dataclass
class TimeIndexedResult:
    screenings: list[Screening] | None
    objective: int | None
    bound: int | None
    optimal: bool


def _floor(x: float) -> int:
    return math.floor(x + 1e-6)


def solve_scip(
    ti: TimeIndexed,
    *,
    hint: list[Screening],
    time_limit: float,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    columns: set[int] | None = None,
    ones: set[int] = frozenset(),
) -> TimeIndexedResult:
    """Solve the model with SCIP (its LP relaxation is tight on these interval rows), hinted with a valid
    timetable. Deterministic mode limits SCIP by branch-and-bound nodes instead of the clock.

    ``columns``: only these screening columns may be chosen; ``ones``: these are chosen (taken out of the
    model, their rows' limits lowered). Either makes a sub-model: its solutions are still valid
    timetables, but its bound is not a bound of the component (``bound`` is then None)."""
    from ortools.linear_solver import pywraplp

    from .master import solve_interruptibly

    started = time.monotonic()
    if ti.infeasible:
        return TimeIndexedResult(None, None, None, False)
    sub = columns is not None or bool(ones)
    if sub:
        free = [v for v in range(ti.size) if v not in ones and (columns is None or v in columns)]
        free.extend(range(ti.size, len(ti.coef)))  # shortfall counts
    else:
        free = list(range(len(ti.coef)))
    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:  # an OR-Tools build without SCIP: the whole model with CP-SAT (master.solve_mip)
        return _solve_without_scip(
            ti, hint, time_limit, seed=seed, deterministic=deterministic, stop=stop, sub=sub
        )
    inf = mip.infinity()
    xs: dict[int, object] = {v: mip.IntVar(0, ti.ub[v], "") for v in free}
    for v in ti.fixed:
        if v in xs:
            xs[v].SetLb(1)
        elif v not in ones:
            return TimeIndexedResult(None, None, None, False)  # a pin left out of the sub-model
    for cols, limit in ti.rows:
        taken = sum(1 for v in cols if v in ones) if ones else 0
        row = [xs[v] for v in cols if v in xs]
        if row and len(row) > limit - taken:
            constraint = mip.Constraint(-inf, limit - taken)
            for x in row:
                constraint.SetCoefficient(x, 1)
    for cols, short, need in ti.cover:
        taken = sum(1 for v in cols if v in ones) if ones else 0
        constraint = mip.Constraint(need - taken, inf)
        for v in cols:
            if v in xs:
                constraint.SetCoefficient(xs[v], 1)
        constraint.SetCoefficient(xs[short], 1)
    obj = mip.Objective()
    for v, x in xs.items():
        if ti.coef[v]:
            obj.SetCoefficient(x, ti.coef[v])
    obj.SetMaximization()
    start = ti.point_of(hint)
    mip.SetHint(list(xs.values()), [float(start[v]) for v in xs])
    params = [f"randomization/randomseedshift = {seed % 1000}"]
    if deterministic:
        params.append(f"limits/nodes = {max(1, int(time_limit * DETERMINISTIC_NODES_PER_SECOND))}")
        mip.SetTimeLimit(int((100.0 * time_limit + 60.0) * 1000))  # only a safety net
    else:  # SCIP's clock starts after the model is handed over (about 1 s per 100,000 columns)
        left = time_limit - (time.monotonic() - started) - 1e-5 * len(xs)
        mip.SetTimeLimit(max(100, int(left * 1000)))
    mip.SetSolverSpecificParametersAsString("\n".join(params) + "\n")
    status = solve_interruptibly(mip, stop)
    raw = obj.BestBound()
    bound = _floor(raw) + ti.constant if not sub and math.isfinite(raw) and abs(raw) < 1e15 else None
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return TimeIndexedResult(None, None, bound, False)
    chosen = sorted(ones | {v for v, x in xs.items() if v < ti.size and x.solution_value() > 0.5})
    screenings = ti.screenings_of(chosen)
    objective = sum(ti.coef[v] for v in chosen) + ti.constant
    objective += sum(ti.coef[short] * round(xs[short].solution_value()) for _, short, _ in ti.cover)
    return TimeIndexedResult(screenings, objective, bound, status == pywraplp.Solver.OPTIMAL)


def _solve_without_scip(ti, hint, time_limit, *, seed, deterministic, stop, sub) -> TimeIndexedResult:
    from .master import solve_mip

    res = solve_mip(
        as_master(ti),
        ti.point_of(hint),
        time_limit,
        deterministic=deterministic,
        seed=seed,
        workers=1,
        stop=stop,
    )
    if res.point is None:
        return TimeIndexedResult(None, None, None, False)
    chosen = [v for v in range(ti.size) if res.point[v] > 0]
    return TimeIndexedResult(
        ti.screenings_of(chosen),
        ti.objective_of(ti.screenings_of(chosen)),
        None if sub else res.bound,
        res.optimal,
    )


def as_master(ti: TimeIndexed):
    """The model as a ``Master`` (same column order), for master.py's LP bound by weak
    duality (and its CP-SAT solve where SCIP is missing)."""
    from .master import Master, Row

    m = Master(
        cols=list(ti.keys),
        ub=list(ti.ub),
        lb=[0] * len(ti.ub),
        obj=list(ti.coef),
        constant=ti.constant,
    )
    for v in ti.fixed:
        m.lb[v] = 1
    for cols, limit in ti.rows:
        m.rows.append(Row(list(cols), [1] * len(cols), None, limit))
    for cols, short, need in ti.cover:
        m.rows.append(Row([*cols, short], [1] * (len(cols) + 1), need, None))
    return m
