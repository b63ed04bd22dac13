"""Optimisation: split the instance into independent components, solve each component's band master,
sequence its solution into exact start times, and keep per component the better of that and the greedy.

Every valid timetable restricted to a component is a valid timetable of that component, and no rule or
objective term links two components, so the objective is the sum of the components' objectives and the
sum of the components' bounds is an honest bound of the whole (see master.py and docs/scheduler.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .bound import capacity_free_bound
from .data import Instance, Screening
from .exact import RESTRICTED_COLUMNS, balanced_lanes, run_lanes
from .greedy import Filler
from .master import build_master, components, keepable_previous, lp_bound, point_of, solve_mip
from .sequence import sequence
from .slots import build_slots, film_options
from .timeindexed import count_columns
from .validate import check_screenings

MAX_COLUMNS = 160_000  # a component with more (film, slot) columns keeps its greedy part and simple bound
THETAS = 3  # truncation lengths per theater in the capacity rows (more: tighter LP, slower)
FULL_MIP_COLUMNS = 5_000  # components up to this size always get the full master solved (a proven bound)
NO_GOOD_ROUNDS = 4  # full-master rounds that exclude points sequencing could not realise
PROOF_COLUMNS = 40_000  # larger components get it only with time left over
EXACT_COLUMNS = 4_000  # up to this size every truncation length is used (exact window rows)
FULL_SHARE = 0.5  # weight of a full-master stage against a restricted one when splitting the time
LP_SECONDS_PER_COLUMN = 1 / 4000  # rough GLOP speed on a loaded 2-core machine (rows included)
REDUCED_COSTS = (1.0, 30.0, 300.0)  # restricted masters: columns with LP reduced cost above -this
RESERVE = 0.04  # share of the time kept for sequencing and validation (at least RESERVE_SECONDS)
RESERVE_SECONDS = 1.0


@dataclass
class OptResult:
    candidates: list[tuple[list[Screening], str]] = field(default_factory=list)
    bound: int | None = None
    deterministic_time: float = 0.0


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
    """Solve every component's master within the time limit and return the merged timetable."""
    started = time.monotonic()
    deadline = started + time_limit
    slots = build_slots(instance)
    options = film_options(instance, slots)
    comps, orphans = components(instance)
    keepable = keepable_previous(instance)
    # the filler is built on first use (ranking every film's slots takes a while on big instances)
    fillers: list[Filler] = []
    comp_of_film = {fid: i for i, c in enumerate(comps) for fid in c.films}
    best: list[list[Screening]] = [[] for _ in comps]
    for s in greedy:
        best[comp_of_film[s.film]].append(s)
    best_value = [_part_value(instance, part, comps[i]) for i, part in enumerate(best)]
    bounds = [capacity_free_bound(instance, options, c.films) for c in comps]
    constant = capacity_free_bound(instance, options, orphans)
    result = OptResult()

    def total_bound() -> int:
        return sum(bounds) + constant

    report(None, total_bound(), "cp-sat")
    sizes = [sum(len(options[f]) for f in c.films) for c in comps]
    exact_sizes = [count_columns(instance, list(c.films), list(c.theaters)) for c in comps]
    exact = [i for i in range(len(comps)) if exact_sizes[i] <= RESTRICTED_COLUMNS]
    order = [
        i
        for i in sorted(range(len(comps)), key=lambda i: (sizes[i], i))
        if sizes[i] <= MAX_COLUMNS and i not in exact
    ]
    # sequencing and validating a merged timetable takes about 1.5 s per 100,000 columns
    reserve = max(RESERVE_SECONDS, RESERVE * time_limit, sum(sizes[i] for i in order) * 1.5e-5)

    def left() -> float:
        return deadline - time.monotonic() - reserve

    # phase 0: components small enough for the exact time-indexed model (see exact.py)
    # the time is split by size: exact components by their exact columns, the others by their band columns
    exact_work = sum(exact_sizes[i] for i in exact)
    exact_share = exact_work / max(1, exact_work + sum(sizes[i] for i in order))
    lock = threading.Lock()

    def take(i: int, res) -> None:
        with lock:
            if res.bound is not None:
                bounds[i] = min(bounds[i], res.bound)
            if res.screenings is not None:
                value = _part_value(instance, res.screenings, comps[i])
                if value > best_value[i]:
                    best[i], best_value[i] = res.screenings, value
            merged = [s for part in best for s in part]
            checked = check_screenings(instance, merged)
            report(checked.objective if checked.valid else None, total_bound(), "cp-sat")

    if exact:
        lanes = 1 if deterministic else max(1, min(workers, len(exact)))
        budget_end = time.monotonic() + exact_share * max(0.0, left())
        exact_budget = time_limit * (1 - RESERVE) * exact_share  # deterministic: from the limit alone
        run_lanes(
            instance,
            comps,
            balanced_lanes(exact, exact_sizes, lanes),
            exact_sizes,
            best=lambda i: list(best[i]),
            budget_end=budget_end,
            exact_budget=exact_budget,
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            take=take,
        )
        if deterministic:  # the other components share what is left of the limit
            time_limit *= 1 - exact_share

    def improve(i: int, m, point: list[int] | None) -> None:
        """Sequence a master point of component i; keep per component whatever got better."""
        if point is None:
            return
        counts = {m.cols[v]: n for v, n in enumerate(point[: len(m.cols)]) if n > 0}
        kept = [p for p, v in m.keep.items() if point[v]]
        others = [s for j, part in enumerate(best) if j != i for s in part]
        if not fillers:
            fillers.append(Filler(instance, options))
        table = sequence(instance, slots, counts, kept, fillers[0], fixed=others)
        for j in range(len(comps)):
            part = [s for s in table if comp_of_film[s.film] == j]
            value = _part_value(instance, part, comps[j])
            if value > best_value[j]:
                best[j], best_value[j] = part, value
        merged = [s for part in best for s in part]
        checked = check_screenings(instance, merged)
        report(checked.objective if checked.valid else None, total_bound(), "cp-sat")

    # phase 1: every component's master and LP bound (the bound is what the gap needs first)
    masters = {}
    lps = {}
    for i in order:
        if stop() or (not deterministic and left() <= 0):
            break
        if not deterministic and left() < sizes[i] * LP_SECONDS_PER_COLUMN:
            continue  # the LP would not finish in time: keep the capacity-free bound of this component
        m = build_master(
            instance, comps[i], slots, options, keepable, thetas=0 if sizes[i] <= EXACT_COLUMNS else THETAS
        )
        value, point, reduced = lp_bound(m, 100.0 * time_limit + 60.0 if deterministic else max(1.0, left()))
        masters[i] = m
        if value is not None:
            bounds[i] = min(bounds[i], value)
            lps[i] = (point, reduced)
        report(None, total_bound(), "cp-sat")
    # phase 2: a restricted master per component (LP support, near-zero reduced costs, the incumbent)
    solved = [i for i in order if i in lps]
    full = [i for i in solved if len(masters[i].cols) <= FULL_MIP_COLUMNS]
    if solved and not fillers:  # sequencing needs it: built now so that its time counts against the budgets
        fillers.append(Filler(instance, options))
    usable = time_limit * (1 - RESERVE)
    det_share = usable / max(1, len(solved) + len(full))  # deterministic: budgets from the limit only
    for pos, i in enumerate(solved):
        if stop():
            break
        m = masters[i]
        rest = sum(sizes[j] for j in solved[pos:]) + FULL_SHARE * sum(sizes[j] for j in full)
        budget = det_share if deterministic else left() * sizes[i] / max(1, rest)
        if budget <= 0.05:
            break
        point, reduced = lps[i]
        stage_end = time.monotonic() + budget
        for threshold in REDUCED_COSTS:  # widen the restricted master while it is solved to optimality
            hint = point_of(m, instance, slots, best[i])
            allowed = {
                m.cols[v]
                for v in range(len(m.cols))
                if point[v] > 1e-6 or hint[v] > 0 or reduced[v] > -threshold
            }
            sub = build_master(instance, comps[i], slots, options, keepable, allowed=allowed)
            share = budget if deterministic else stage_end - time.monotonic()
            if share <= 0.05:
                break
            res = solve_mip(
                sub,
                point_of(sub, instance, slots, best[i]),
                share,
                deterministic=deterministic,
                seed=seed,
                workers=workers,
                stop=stop,
                engine="scip",
            )
            result.deterministic_time += res.deterministic_time
            improve(i, sub, res.point)
            if deterministic or not res.optimal or len(allowed) == len(m.cols) or stop():
                break
    # phase 3: the full master (a proven bound, maybe a better timetable): the small components always,
    # the others only with time left over (restricted masters all solved to optimality early)
    closing = full if deterministic else [i for i in solved if len(masters[i].cols) <= PROOF_COLUMNS]
    for pos, i in enumerate(closing):
        if stop():
            break
        if _comp_objective(instance, best[i], comps[i]) >= bounds[i]:
            continue  # already proven optimal
        m = masters[i]
        budget = (
            det_share if deterministic else left() * sizes[i] / max(1, sum(sizes[j] for j in closing[pos:]))
        )
        if budget <= 0.05:
            break
        stage_end = time.monotonic() + budget
        exclude: list[dict[int, int]] = []
        for _ in range(NO_GOOD_ROUNDS):
            if deterministic:  # half for the first round (the bound), the rest shared by the others
                share = budget / 2 if not exclude else budget / (2 * (NO_GOOD_ROUNDS - 1))
            else:
                share = stage_end - time.monotonic()
            if share <= 0.05 or stop():
                break
            hint = point_of(m, instance, slots, best[i])
            res = solve_mip(
                m,
                hint,
                share,
                deterministic=deterministic,
                seed=seed,
                workers=workers,
                stop=stop,
                exclude=exclude,
            )
            result.deterministic_time += res.deterministic_time
            if res.bound is not None and not exclude:  # a bound only without the heuristic cuts
                bounds[i] = min(bounds[i], res.bound)
            improve(i, m, res.point)
            if res.point is None or _comp_objective(instance, best[i], comps[i]) >= bounds[i]:
                break
            value = sum(c * x for c, x in zip(m.obj, res.point, strict=True)) + m.constant
            if value <= _comp_objective(instance, best[i], comps[i]):
                break  # the timetable realises the master's point: nothing to learn
            # sequencing lost part of this point: exclude its screenings and look for another
            exclude.append({v: n for v, n in enumerate(res.point[: len(m.cols)]) if n > 0})
    result.candidates.append(([s for part in best for s in part], "cp-sat"))
    result.bound = total_bound()
    return result


def _comp_objective(instance: Instance, part: list[Screening], comp) -> int:
    """The objective terms of one component's films: attendance, their shortfall, their changes."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    attendance = sum(instance.value(films[s.film], theaters[s.theater], s.start) for s in part)
    counts: dict[str, int] = {}
    for s in part:
        counts[s.film] = counts.get(s.film, 0) + 1
    short = sum(max(0, films[fid].min_screenings - counts.get(fid, 0)) for fid in comp.films)
    present = {s.key for s in part}
    members = set(comp.films)
    changes = sum(1 for p in instance.previous if p.film in members and p.key not in present)
    w = instance.weights
    return attendance - w.shortfall_penalty * short - w.change_penalty * changes


def _part_value(instance: Instance, part: list[Screening], comp) -> int:
    """The objective of a component's timetable plus a constant (the other components' pins alone).

    Comparable between two timetables of the same component; -inf when the part is not valid.
    """
    films = set(comp.films)
    report = check_screenings(instance, part + [p for p in instance.fixed if p.film not in films])
    return report.objective if report.valid else -(1 << 62)
