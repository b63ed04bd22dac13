"""The CP-SAT master: counts of screenings per (film, slot), with necessary capacity conditions.

Every valid timetable maps to a feasible assignment of the master with the same objective (the master is
a relaxation), so CP-SAT's proven bound on it is an honest bound of the real problem. The capacity
conditions are also nearly sufficient, so the sequencing step rarely has to repair anything.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .bound import capacity_free_bound, lp_bound
from .data import Instance, Screening
from .greedy import Filler
from .sequence import sequence, step_length
from .slots import Slot, build_slots, film_options, index_by_theater_day, slot_of
from .validate import check_screenings

MAX_THETAS = 3  # truncation lengths per theater in the window inequalities (any subset stays valid)
MAX_TAUS = 16  # tails w - runtime per theater in the end-of-segment inequalities
FULL_COLUMNS = 120_000  # above this many (film, slot) columns the master keeps only the best ones per film
COLUMNS_PER_SCREENING = 4
LP_COLUMNS = 60_000  # the GLOP bound is computed when the master has at most this many columns


@dataclass
class OptResult:
    candidates: list[tuple[list[Screening], str]] = field(default_factory=list)
    bound: int | None = None
    deterministic_time: float = 0.0


@dataclass
class Master:
    """The CP-SAT model and the handles needed to read a solution back."""

    model: cp_model.CpModel
    x: dict[tuple[str, int], cp_model.IntVar]
    keep: dict[Screening, cp_model.IntVar]
    constant: int
    complete: bool  # every (film, slot) column is in the model: the CP-SAT bound is the real bound


def _pick(lengths, most: int = 0) -> list[int]:
    """At most ``most`` (default MAX_THETAS) of the values, always the smallest and the largest."""
    most = most or MAX_THETAS
    values = sorted(set(lengths))
    if len(values) <= most:
        return values
    picks = {values[round(i * (len(values) - 1) / (most - 1))] for i in range(most)}
    return sorted(picks)


def keepable_previous(instance: Instance) -> list[Screening]:
    """Previous screenings that could still be kept: valid alone and alongside the pins."""
    if instance.weights.change_penalty == 0:
        return []
    pins = list(instance.fixed)
    pinned = {p.key for p in pins}
    return [p for p in instance.previous if p.key in pinned or check_screenings(instance, [*pins, p]).valid]


def build_master(
    instance: Instance,
    slots: list[Slot],
    options: dict[str, list[Slot]],
    hint: list[Screening],
    columns: set[tuple[str, int]] | None = None,
) -> Master:
    """The master model; ``columns`` restricts the (film, slot) variables (then its bound is not valid)."""
    m = cp_model.CpModel()
    films, theaters = instance.film_by_id, instance.theater_by_id
    by_day = index_by_theater_day(slots)
    pins_in = defaultdict(int)
    for p in instance.fixed:
        s = slot_of(by_day, p.theater, p.start)
        if s is not None:
            pins_in[(p.film, s.index)] += 1
    x: dict[tuple[str, int], cp_model.IntVar] = {}
    objective = []
    by_film: dict[str, list] = defaultdict(list)
    by_film_day: dict[tuple[str, int], list] = defaultdict(list)
    by_slot: dict[int, list] = defaultdict(list)
    lengths: dict[str, set[int]] = defaultdict(set)
    tails: dict[str, set[int]] = defaultdict(set)
    for f in instance.films:
        for s in options[f.id]:
            key = (f.id, s.index)
            if columns is not None and key not in columns and key not in pins_in:
                continue
            t = theaters[s.theater]
            w = step_length(f.runtime, t.changeover, t.step)
            ub = min(f.max_per_day, f.max_screenings, (min(s.hi, s.seg_end - f.runtime) - s.lo) // w + 1)
            lb = pins_in.get(key, 0)
            v = m.NewIntVar(lb, max(lb, ub), f"x_{f.id}_{t.id}_{s.day}_{s.segment}_{s.band}")
            x[key] = v
            objective.append(instance.value(f, t, s.lo) * v)
            by_film[f.id].append(v)
            by_film_day[(f.id, s.day)].append((v, max(lb, ub)))
            by_slot[s.index].append((v, w, f.runtime, max(lb, ub)))
            lengths[t.id].add(w)
            tails[t.id].add(w - f.runtime)
    penalty, change = instance.weights.shortfall_penalty, instance.weights.change_penalty
    short = {}
    for f in instance.films:
        total = sum(by_film[f.id])
        m.Add(total <= f.max_screenings)
        if f.min_screenings > 0:
            short[f.id] = m.NewIntVar(0, f.min_screenings, f"short_{f.id}")
            m.Add(total + short[f.id] >= f.min_screenings)
            objective.append(-penalty * short[f.id])
    for (fid, _day), vs in by_film_day.items():
        if sum(u for _, u in vs) > films[fid].max_per_day:
            m.Add(sum(v for v, _ in vs) <= films[fid].max_per_day)
    _add_copies(m, instance, slots, x)
    thetas = {tid: _pick(ws) for tid, ws in lengths.items()}
    taus = {tid: _pick(ts, MAX_TAUS) for tid, ts in tails.items()}
    defs = _add_windows(m, slots, by_slot, thetas, taus)
    keep = {}
    constant = -change * len(instance.previous)
    for p in keepable_previous(instance):
        s = slot_of(by_day, p.theater, p.start)
        if s is None or (p.film, s.index) not in x:
            continue
        keep[p] = m.NewBoolVar(f"keep_{p.film}_{p.theater}_{p.start}")
        objective.append(change * keep[p])
    cells = defaultdict(list)
    for p, k in keep.items():
        cells[(p.film, slot_of(by_day, p.theater, p.start).index)].append(k)
    for key, ks in cells.items():
        m.Add(sum(ks) <= x[key])
    m.Maximize(sum(objective))
    _add_hint(m, instance, by_day, hint, x, keep, short, defs)
    return Master(m, x, keep, constant, columns is None)


def _add_windows(m, slots, by_slot, thetas, taus) -> list:
    """Necessary capacity conditions for every window of consecutive bands of a free segment.

    Screenings starting in bands j1..j2 run one after another; consecutive starts on the grid are at least
    w = ceil_step(runtime + changeover) apart, so sum(w) - w_last <= L(j2) - S(j1). With truncated lengths
    min(w, theta) the same holds for every theta (sum(min(w_i, theta)) - theta <= sum(w_i) - w_max), which
    is linear and, over all distinct w, exact. The last screening of a segment must also end by its end:
    sum(w) - (w_last - r_last) <= E - S(j1), relaxed the same way with tau over the tails w - r.
    """
    defs: list = []
    segments: dict[tuple[str, int, int], list[Slot]] = defaultdict(list)
    for s in slots:
        if s.index in by_slot:
            segments[(s.theater, s.day, s.segment)].append(s)
    for (tid, day, seg), band_slots in segments.items():
        band_slots.sort(key=lambda s: s.band)
        count: dict[tuple[int, int], object] = {}
        tail: dict[tuple[int, int], object] = {}
        shortest, w_min = 1 << 30, 1 << 30
        for s in band_slots:
            groups = defaultdict(list)
            for v, w, r, u in by_slot[s.index]:
                groups[w].append((v, u, 1))
                shortest, w_min = min(shortest, r), min(w_min, w)
            for w, vs in groups.items():
                count[(s.index, w)] = _total(m, defs, vs, f"n_{tid}_{day}_{seg}_{s.band}_{w}")
            for tau in taus[tid]:
                terms = [(v, u, min(w, r + tau)) for v, w, r, u in by_slot[s.index]]
                tail[(s.index, tau)] = _total(m, defs, terms, f"tail_{tid}_{day}_{seg}_{s.band}_{tau}")
        n = len(band_slots)
        for j1 in range(n):
            for j2 in range(j1, n):
                window = [
                    (c, w)
                    for (si, w), c in count.items()
                    if band_slots[j1].band <= slots[si].band <= band_slots[j2].band
                ]
                room = band_slots[j2].hi - band_slots[j1].lo
                for theta in thetas[tid]:
                    if sum(min(w, theta) * u for (_, u), w in window) > room + theta:
                        m.Add(sum(min(w, theta) * c for (c, _), w in window) <= room + theta)
                    longer = [cu for cu, w in window if w >= theta]
                    if sum(u for _, u in longer) > room // theta + 1:
                        m.Add(sum(c for c, _ in longer) <= room // theta + 1)
            room = band_slots[j1].seg_end - band_slots[j1].lo
            later = {s.index for s in band_slots[j1:]}
            for tau in taus[tid]:
                m.Add(sum(c for (si, t), (c, _) in tail.items() if t == tau and si in later) <= room + tau)
            rest = [c for (si, _), (c, _) in count.items() if si in later]
            m.Add(sum(rest) <= (room - shortest) // w_min + 1)
    return defs


def _add_copies(m, instance: Instance, slots: list[Slot], x) -> None:
    """Screenings of a film starting within less than its runtime of each other overlap: at most copies."""
    groups: dict[tuple[str, int, int], list] = defaultdict(list)
    for (fid, si), v in x.items():
        f = instance.film_by_id[fid]
        if f.copies < f.max_per_day:
            s = slots[si]
            groups[(fid, s.day, s.piece)].append((v, s))
    for (fid, _, _), items in groups.items():
        f = instance.film_by_id[fid]
        span = max(s.hi for _, s in items) - min(s.lo for _, s in items)
        if len(items) > f.copies and span < f.runtime:
            m.Add(sum(v for v, _ in items) <= f.copies)


def _total(m, defs, terms, name):
    """(variable, upper bound) of a sum of (variable, upper bound, coefficient) terms."""
    if len(terms) == 1 and terms[0][2] == 1:
        return terms[0][0], terms[0][1]
    ub = sum(c * u for _, u, c in terms)
    total = m.NewIntVar(0, ub, name)
    defs.append((total, terms))
    m.Add(total == sum(c * v for v, _, c in terms))
    return total, ub


def _add_hint(m, instance, by_day, hint, x, keep, short, defs) -> None:
    """Hint the greedy timetable (it is feasible for the master, which is a relaxation)."""
    cell = defaultdict(int)
    count = defaultdict(int)
    for s in hint:
        slot = slot_of(by_day, s.theater, s.start)
        if slot is not None:
            cell[(s.film, slot.index)] += 1
        count[s.film] += 1
    value = {}
    for key, v in x.items():
        value[v.Index()] = cell.get(key, 0)
        m.AddHint(v, value[v.Index()])
    for total, terms in defs:  # in creation order: every term is an x or defined before
        value[total.Index()] = sum(c * value[v.Index()] for v, _, c in terms)
        m.AddHint(total, value[total.Index()])
    present = {s.key for s in hint}
    for p, k in keep.items():
        m.AddHint(k, 1 if p.key in present else 0)
    for fid, v in short.items():
        m.AddHint(v, max(0, instance.film_by_id[fid].min_screenings - count[fid]))


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_solution: Callable[[float, float], None]):
        super().__init__()
        self.on_solution = on_solution

    def on_solution_callback(self) -> None:
        self.on_solution(self.ObjectiveValue(), self.BestObjectiveBound())


def optimise(
    instance: Instance,
    greedy: list[Screening],
    *,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    report: Callable[[int | None, int | None, str], None],
) -> OptResult:
    """Solve the master with CP-SAT, then sequence its best solution into exact start times."""
    started = time.monotonic()
    slots = build_slots(instance)
    options = film_options(instance, slots)
    columns = _columns(instance, slots, options, greedy)
    master = build_master(instance, slots, options, greedy, columns)
    bounds = [capacity_free_bound(instance, options)]
    lp_thread = None
    if len(master.x) <= LP_COLUMNS:

        def run_lp() -> None:
            b = lp_bound(master.model, master.constant, max(1.0, time_limit))
            if b is not None:
                bounds.append(b)

        lp_thread = threading.Thread(target=run_lp, daemon=True)
        lp_thread.start()
    filler = Filler(instance, options)
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.random_seed = seed
    p.num_workers = 1 if deterministic else max(1, workers)
    remaining = max(0.1, time_limit - (time.monotonic() - started))
    if deterministic:
        p.max_deterministic_time = remaining
        p.max_time_in_seconds = 100.0 * remaining + 60.0  # only a safety net
    else:
        p.max_time_in_seconds = remaining

    def on_solution(obj: float, bnd: float) -> None:
        b = min(bounds + ([int(bnd + 1e-6) + master.constant] if master.complete else []))
        report(None, b, "cp-sat")
        if stop():
            solver.StopSearch()

    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.2):
            if stop():
                solver.StopSearch()
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        status = solver.Solve(master.model, _Callback(on_solution))
    finally:
        done.set()
        watcher.join()
    result = OptResult(deterministic_time=solver.ResponseProto().deterministic_time)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        counts = {k: solver.Value(v) for k, v in master.x.items()}
        counts = {k: n for k, n in counts.items() if n > 0}
        kept = [p for p, k in master.keep.items() if solver.Value(k)]
        result.candidates.append((sequence(instance, slots, counts, kept, filler), "cp-sat"))
    if master.complete and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        bounds.append(int(solver.BestObjectiveBound() + 1e-6) + master.constant)
    if lp_thread is not None:
        # in deterministic mode the bound must not depend on the clock: wait for the LP
        lp_thread.join(None if deterministic else max(0.0, time_limit - (time.monotonic() - started)))
    result.bound = min(bounds)
    return result


def _columns(instance, slots, options, greedy) -> set[tuple[str, int]] | None:
    """All (film, slot) columns when the model is small enough, else each film's most valuable ones.

    A restricted master is no longer a relaxation, so its CP-SAT bound is then not used.
    """
    if sum(len(v) for v in options.values()) <= FULL_COLUMNS:
        return None
    theaters = instance.theater_by_id
    by_day = index_by_theater_day(slots)
    keep = set()
    for s in [*greedy, *instance.fixed, *instance.previous]:
        slot = slot_of(by_day, s.theater, s.start)
        if slot is not None:
            keep.add((s.film, slot.index))
    for f in instance.films:
        ranked = sorted(options[f.id], key=lambda s: (-instance.value(f, theaters[s.theater], s.lo), s.index))
        keep.update((f.id, s.index) for s in ranked[: COLUMNS_PER_SCREENING * f.max_screenings + 10])
    return keep
