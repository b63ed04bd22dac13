"""Independent components and the band master of each: a relaxation over (film, slot) counts.

A *component* is a connected set of theaters: two theaters are linked when some film can be shown in both.
No hard rule and no objective term links two components (counts, copies, pins and previous screenings are
per film, and a film's screenings all lie in its component's theaters), so the best timetable of the
whole is the union of the best timetables of the components, and the sum of the components' bounds bounds
the whole.

The master of a component has one integer (mostly Boolean) column ``x[f, slot]``: the number of screenings
of film ``f`` starting in the slot. Every row is a *necessary* condition of a valid timetable, so every
valid timetable of the component maps to a feasible point with the same objective; CP-SAT's proven bound
and the LP optimum of the master are both honest bounds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .data import Instance, Screening
from .sequence import step_length
from .slots import Slot, index_by_theater_day, slot_of


@dataclass(frozen=True)
class Component:
    theaters: tuple[str, ...]
    films: tuple[str, ...]


def components(instance: Instance) -> tuple[list[Component], list[str]]:
    """Connected components of the film-theater compatibility graph, and films no theater can show."""
    parent = {t.id: t.id for t in instance.theaters}

    def find(a: str) -> str:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    home: dict[str, str] = {}
    orphans = []
    for f in instance.films:
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


@dataclass
class Row:
    """lo <= sum(coef * var) <= hi over variable indices."""

    vars: list[int]
    coefs: list[int]
    lo: int | None
    hi: int | None


@dataclass
class Master:
    """Variables: x columns first, then shortfall counts, then keep literals."""

    cols: list[tuple[str, int]]  # (film, slot index)
    ub: list[int]
    lb: list[int]
    obj: list[int]
    rows: list[Row] = field(default_factory=list)
    short: dict[str, int] = field(default_factory=dict)  # film -> variable index
    keep: dict[Screening, int] = field(default_factory=dict)  # previous screening -> variable index
    constant: int = 0
    col_of: dict[tuple[str, int], int] = field(default_factory=dict)
    defs: list[tuple[int, list[int]]] = field(default_factory=list)  # auxiliary count = sum of columns

    @property
    def size(self) -> int:
        return len(self.ub)

    def add_var(self, lb: int, ub: int, obj: int) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.obj.append(obj)
        return len(self.ub) - 1

    def add_le(self, terms: list[tuple[int, int]], hi: int) -> None:
        """Add sum(coef * var) <= hi unless no point within the bounds can break it."""
        if (
            sum(c * self.ub[v] for v, c in terms if c > 0) + sum(c * self.lb[v] for v, c in terms if c < 0)
            <= hi
        ):
            return
        self.rows.append(Row([v for v, _ in terms], [c for _, c in terms], None, hi))


def keepable_previous(instance: Instance) -> list[Screening]:
    """Previous screenings that could still be kept: valid alone and alongside the pins."""
    from .validate import check_screenings

    if instance.weights.change_penalty == 0:
        return []
    pins = list(instance.fixed)
    pinned = {p.key for p in pins}
    return [p for p in instance.previous if p.key in pinned or check_screenings(instance, [*pins, p]).valid]


def build_master(
    instance: Instance,
    comp: Component,
    slots: list[Slot],
    options: dict[str, list[Slot]],
    keepable: list[Screening],
    *,
    thetas: int = 0,
    allowed: set[tuple[str, int]] | None = None,
) -> Master:
    """The band master of one component (``thetas``: most truncation lengths per theater, 0 = all).

    ``allowed`` restricts the (film, slot) columns: a restricted master, whose optimum is a valid
    timetable's master point but whose bound is not a bound of the component.
    """
    films, theaters = instance.film_by_id, instance.theater_by_id
    by_day = index_by_theater_day(slots)
    comp_films = set(comp.films)
    pins_in: dict[tuple[str, int], int] = defaultdict(int)
    for p in instance.fixed:
        if p.film in comp_films:
            s = slot_of(by_day, p.theater, p.start)
            if s is not None:
                pins_in[(p.film, s.index)] += 1
    m = Master([], [], [], [])
    by_slot: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # slot -> (var, q, runtime)
    by_film: dict[str, list[int]] = defaultdict(list)
    by_film_day: dict[tuple[str, int], list[int]] = defaultdict(list)
    for fid in comp.films:
        f = films[fid]
        for s in options[fid]:
            if allowed is not None and (fid, s.index) not in allowed and (fid, s.index) not in pins_in:
                continue
            t = theaters[s.theater]
            q = step_length(f.runtime, t.changeover, t.step)
            ub = min(f.max_per_day, f.max_screenings, (min(s.hi, s.seg_end - f.runtime) - s.lo) // q + 1)
            lb = pins_in.get((fid, s.index), 0)
            v = m.add_var(lb, max(lb, ub), instance.value(f, t, s.lo))
            m.cols.append((fid, s.index))
            m.col_of[(fid, s.index)] = v
            by_slot[s.index].append((v, q, f.runtime))
            by_film[fid].append(v)
            by_film_day[(fid, s.day)].append(v)
    penalty, change = instance.weights.shortfall_penalty, instance.weights.change_penalty
    for fid in comp.films:
        f = films[fid]
        vs = by_film[fid]
        m.add_le([(v, 1) for v in vs], f.max_screenings)
        if f.min_screenings > 0:
            most = min(f.min_screenings, sum(m.ub[v] for v in vs))
            # at least min_screenings - most screenings are certainly missing
            sv = m.add_var(f.min_screenings - most, f.min_screenings, -penalty)
            m.short[fid] = sv
            m.rows.append(Row([*vs, sv], [1] * len(vs) + [1], f.min_screenings, None))
    for (fid, _day), vs in by_film_day.items():
        m.add_le([(v, 1) for v in vs], films[fid].max_per_day)
    _add_copies(m, instance, slots)
    _add_capacity(m, instance, comp, slots, by_slot, thetas)
    prev = [p for p in instance.previous if p.film in comp_films]
    m.constant = -change * len(prev)
    cells: dict[int, list[int]] = defaultdict(list)
    comp_keep = {p.key for p in keepable}
    for p in prev:
        if p.key not in comp_keep:
            continue
        s = slot_of(by_day, p.theater, p.start)
        col = m.col_of.get((p.film, s.index)) if s is not None else None
        if col is None:
            continue
        k = m.add_var(0, 1, change)
        m.keep[p] = k
        cells[col].append(k)
    for col, ks in cells.items():
        m.add_le([*((k, 1) for k in ks), (col, -1)], 0)
    return m


def _pick(values, most: int) -> list[int]:
    """At most ``most`` of the values (0 = all), always the smallest and the largest."""
    values = sorted(set(values))
    if not most or len(values) <= most:
        return values
    if most == 1:
        return values[-1:]
    return sorted({values[round(i * (len(values) - 1) / (most - 1))] for i in range(most)})


def _add_capacity(m: Master, instance, comp: Component, slots, by_slot, thetas: int) -> None:
    """Necessary conditions for the screenings of one free segment (see docs/scheduler.md).

    Consecutive starts on the grid are at least q = ceil_step(runtime + changeover) apart, so the
    screenings starting in bands j1..j2 satisfy sum(q) - q_last <= hi(j2) - lo(j1), and those starting in
    bands j1.. satisfy sum(q) - (q_last - runtime_last) <= E - lo(j1). Both are relaxed to linear rows:
    sum(min(q, theta)) <= room + theta for each theta (exact when theta = max q), the count cuts
    #(q >= theta) <= room // theta + 1, and sum(min(q, runtime + tau)) <= E - lo + tau for each tau.
    The rows use one auxiliary count per (slot, q) so that they stay short; in the tail rows a count's
    coefficient is the least min(q, runtime + tau) of its films (smaller coefficients keep a row valid).
    """
    segments: dict[tuple[str, int, int], list[Slot]] = defaultdict(list)
    for s in slots:
        if s.index in by_slot:
            segments[(s.theater, s.day, s.segment)].append(s)
    lengths: dict[str, set[int]] = defaultdict(set)
    tails: dict[str, set[int]] = defaultdict(set)
    for s in slots:
        for _, q, r in by_slot.get(s.index, ()):
            lengths[s.theater].add(q)
            tails[s.theater].add(q - r)
    theta_of = {tid: _pick(ws, thetas) for tid, ws in lengths.items()}
    tau_of = {tid: _pick(ts, thetas) for tid, ts in tails.items()}
    for (tid, _day, _seg), band_slots in segments.items():
        band_slots.sort(key=lambda s: s.band)
        n = len(band_slots)
        items: list[list[tuple[int, int, int]]] = []  # per band: (count var, q, shortest runtime)
        exact: list[list[tuple[int, int, int]]] = [by_slot[s.index] for s in band_slots]
        for s in band_slots:
            groups: dict[int, list[tuple[int, int]]] = defaultdict(list)
            for v, q, r in by_slot[s.index]:
                groups[q].append((v, r))
            band = []
            for q, members in sorted(groups.items()):
                shortest = min(r for _, r in members)
                if len(members) == 1:
                    band.append((members[0][0], q, shortest))
                    continue
                aux = m.add_var(0, sum(m.ub[v] for v, _ in members), 0)
                m.defs.append((aux, [v for v, _ in members]))
                m.rows.append(Row([*(v for v, _ in members), aux], [1] * len(members) + [-1], 0, 0))
                band.append((aux, q, shortest))
            items.append(band)
        for j1 in range(n):
            window: list[tuple[int, int, int]] = []
            for j2 in range(j1, n):
                window = window + items[j2]
                room = band_slots[j2].hi - band_slots[j1].lo
                for theta in theta_of[tid]:
                    m.add_le([(v, min(q, theta)) for v, q, _ in window], room + theta)
                    m.add_le([(v, 1) for v, q, _ in window if q >= theta], room // theta + 1)
            room = band_slots[j1].seg_end - band_slots[j1].lo
            tail = [t for band in exact[j1:] for t in band]
            for tau in tau_of[tid]:
                m.add_le([(v, min(q, r + tau)) for v, q, r in tail], room + tau)
            shortest = min(r for _, _, r in window)
            qmin = min(q for _, q, _ in window)
            m.add_le([(v, 1) for v, _, _ in window], max(0, room - shortest) // qmin + 1)


def _add_copies(m: Master, instance: Instance, slots: list[Slot]) -> None:
    """Screenings of a film starting within less than its runtime of each other overlap: at most copies."""
    groups: dict[tuple[str, int, int], list] = defaultdict(list)
    for (fid, si), v in m.col_of.items():
        f = instance.film_by_id[fid]
        if f.copies < f.max_per_day:
            s = slots[si]
            groups[(fid, s.day, s.piece)].append((v, s))
    for (fid, _, _), items in groups.items():
        f = instance.film_by_id[fid]
        span = max(s.hi for _, s in items) - min(s.lo for _, s in items)
        if span < f.runtime:
            m.add_le([(v, 1) for v, _ in items], f.copies)


def lp_bound(
    m: Master, time_limit: float = 30.0
) -> tuple[int | None, list[float] | None, list[float] | None]:
    """An honest bound from the master's LP (GLOP), the LP solution and the reduced costs.

    The bound does not trust the LP's optimality tolerances: for *any* row multipliers y, weak duality
    gives obj(x) <= sum_i y_i rhs_i + sum_j max(d_j lb_j, d_j ub_j) with d = c - A^T y (rhs_i is hi for
    y_i >= 0 and lo for y_i < 0; a missing side forces y_i = 0). GLOP's duals make this the LP optimum up
    to rounding; it is floored after a tiny tolerance for floating-point sums.
    """
    from ortools.linear_solver import pywraplp

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
    lp.SetTimeLimit(int(time_limit * 1000))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None, None, None
    duals = [c.dual_value() for c in cons]
    best = None
    for sign in (1.0, -1.0):  # whichever sign convention the LP uses, both give valid bounds
        value, reduced = _dual_bound(m, [sign * y for y in duals])
        if best is None or value < best[0]:
            best = (value, reduced)
    value, reduced = best
    bound = math.floor(value + 1e-9 * max(1.0, abs(value)) + 1e-6) + m.constant
    return bound, [x.solution_value() for x in xs], reduced


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


def point_of(m: Master, instance: Instance, slots: list[Slot], screenings: list[Screening]) -> list[int]:
    """The master point of a valid timetable (restricted to the component's films)."""
    by_day = index_by_theater_day(slots)
    point = list(m.lb)
    for i in range(len(m.cols)):
        point[i] = 0
    count: dict[str, int] = defaultdict(int)
    present = set()
    for s in screenings:
        slot = slot_of(by_day, s.theater, s.start)
        col = m.col_of.get((s.film, slot.index)) if slot is not None else None
        if col is not None:
            point[col] += 1
            count[s.film] += 1
            present.add(s.key)
    films = instance.film_by_id
    for fid, v in m.short.items():
        point[v] = max(m.lb[v], films[fid].min_screenings - count[fid])
    for p, v in m.keep.items():
        point[v] = 1 if p.key in present else 0
    for aux, members in m.defs:
        point[aux] = sum(point[v] for v in members)
    return point


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
