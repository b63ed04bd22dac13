"""Improving the first timetable: the instance split into independent components, each improved side by
side (lanes.py): with the exact model where an LP solver copes with its size, with the relaxation of the
same model where it does not; per component the best timetable is kept and the bounds are summed.

Every valid timetable restricted to a component is a valid timetable of that component, and no rule or
objective term links two components, so the objective is the sum of the components' objectives and the
sum of the components' bounds is an honest bound of the whole (see docs/scheduler.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..bound.capacity import capacity_free_bound
from ..budget import UNLIMITED, Budget, OutOfTime
from ..check import check_screenings
from ..data import Instance, Screening
from ..first.greedy import Filler, complete
from ..first.slots import build_slots, film_options
from ..first.timetable import Timetable
from ..first.tours import assign_prints, needs_print
from . import prices
from .components import RESERVE, Component, component_objective, components, formats_of, merge_reserve
from .exact_model import ExactResult, count_columns
from .lanes import EXACT_MODEL_COLUMNS, balanced_lanes, run_lanes
from .relaxation_process import Early
from .repair import repair_shortfalls, repaired

log = logging.getLogger("scheduler")

# up to this time limit the lanes share the time by what each component has to gain (its bound less its
# objective after the descents) instead of by size, the most to gain alone in its lane: in a 10 s run the
# component far from its bound gets the seconds its LP and restricted models need (four-times' 4D
# component: its LP at 6 s instead of 8-9 s, 10 s behind 60 s 1.5 % -> about 1 % on four 7600-7603); at
# 60 s every component has time enough, and sizes say better how much each needs
SHORT_LIMIT = 20.0
# there, a component weighs at least this share of all the components' gains (an estimate of the gain is
# only as good as its bound; none is left without time); components too large for the exact model
# (alliance-sized: the relaxation, whose bounds settle late) keep their sizes
MIN_GAIN_SHARE = 0.05


# components with more places than this (film options: the national instance's parts, millions) start
# from the bound of every film at its maximum at its best value (capacity.py's for films past the options'
# cap) instead of the capacity-free bound, which would take tens of seconds of Python there; their
# relaxation bounds them within seconds
CHEAP_BOUND = 2_000_000
# the exact model's columns are counted up to this many (10 x EXACT_MODEL_COLUMNS, far beyond what decides
# between the exact model and the relaxation): counting the national instance's parts to the end took 8 s
SIZE_COUNTED = 10 * EXACT_MODEL_COLUMNS


def _places(options: dict, comp) -> int:
    return sum(len(options.get(f, ())) for f in comp.films)


@dataclass
class OptResult:
    candidates: list[tuple[list[Screening], str]] = field(default_factory=list)
    bound: int | None = None


def optimise(
    instance: Instance,
    greedy: list[Screening],
    *,
    time_limit: float,
    workers: int,
    seed: int,
    deterministic: bool,
    stop: Callable[[], bool],
    report: Callable[[int | None, int | None, str, tuple[str, ...]], None],
    budget: Budget,
    early: dict[Component, Early] | None = None,
) -> OptResult:
    """Solve every component within the time limit and return the merged timetable and bound.

    ``budget`` bounds the preparation (components, their capacity-free bounds and model sizes): when it
    runs out there, nothing is returned and the caller keeps its timetable. ``early``: the relaxations
    started before the first timetable (relaxation_process.start_early), by component; the caller stops
    those not followed here."""
    started = time.monotonic()
    deadline = started + time_limit
    try:
        slots = build_slots(instance, budget)
        cut: set[str] = (
            set()
        )  # films past the options' cap: the capacity-free bound must not count them short
        options = film_options(instance, slots, budget, cut)
        comps, orphans = components(instance, budget)
        bounds = [
            capacity_free_bound(
                instance,
                options,
                c.films,
                budget,
                cut if _places(options, c) <= CHEAP_BOUND else cut | set(c.films),
            )
            for c in comps
        ]
        constant = capacity_free_bound(instance, options, orphans, budget, cut)
        sizes = [
            count_columns(instance, list(c.films), list(c.theaters), budget, SIZE_COUNTED) for c in comps
        ]
        comp_of_film = {fid: i for i, c in enumerate(comps) for fid in c.films}
        best: list[list[Screening]] = [[] for _ in comps]
        for s in greedy:
            best[comp_of_film[s.film]].append(s)
        best_value = [_part_value(instance, part, comps[i], budget) for i, part in enumerate(best)]
    except OutOfTime:
        log.warning("stopped or out of time preparing the components (%.1f s)", time.monotonic() - started)
        return OptResult()
    objectives = [component_objective(instance, part, comps[i].films) for i, part in enumerate(best)]
    orphan_objective = component_objective(instance, [], orphans)
    result = OptResult()

    def total_bound() -> int:
        return sum(bounds) + constant

    report(None, total_bound(), "bounding", ())
    names = [formats_of(instance, c) for c in comps]
    reserve = merge_reserve(time_limit, len(greedy))
    lock = threading.Lock()

    toured = _Touring(instance, options, comps)

    def take(i: int, res) -> None:
        with lock:
            if res.bound is not None:
                bounds[i] = min(bounds[i], res.bound)
            if res.screenings is not None:
                screenings = toured(i, res.screenings)
                value = _part_value(instance, screenings, comps[i])  # validated: -inf when not
                if value > best_value[i]:
                    best[i], best_value[i] = screenings, value
                    objectives[i] = component_objective(instance, best[i], comps[i].films)
            log.debug("component %d: objective %s, bound %s", i, objectives[i], bounds[i])
            # the parts are valid and independent, so the whole's objective is the sum of theirs (the
            # pipeline checks the merged timetable again at the end)
            report(sum(objectives) + orphan_objective, total_bound(), res.phase, names[i])

    todo = [i for i in range(len(comps)) if sizes[i] > 0]
    descents: dict[int, prices.Prices] = {}
    # the first timetable's shortfalls repaired first (repair.py): a film short of its minimum takes the
    # place of screenings that can spare it; within a second, and every later stage must beat it
    for i in todo:
        try:
            part = _repaired_part(instance, best[i], comps[i], options, Budget(deadline - reserve, stop))
        except OutOfTime:
            break
        if part is not None:
            take(i, ExactResult(part, None, None, False, "improving"))
    # prices first (prices.py): every component the exact model takes gets a bound within a second or two
    # and a point to round, before any LP or MIP
    exact = [i for i in todo if sizes[i] <= EXACT_MODEL_COLUMNS]
    seconds = min(prices.MAX_SECONDS, prices.SHARE * time_limit)
    for i in sorted(exact, key=lambda i: (sizes[i], i)):
        if stop():
            break
        descents[i] = prices.descend(
            instance,
            comps[i],
            seconds=seconds * sizes[i] / sum(sizes[j] for j in exact),
            incumbent=objectives[i],
            deterministic=deterministic,
            stop=stop,
        )
        take(i, ExactResult(None, None, descents[i].bound, False, "bounding"))
    rounding = Budget(deadline - reserve, stop)
    for i, descent in descents.items():  # then their solutions rounded and relocated, without a model
        try:
            filler = Filler(instance, {f: options.get(f, []) for f in comps[i].films}, budget=rounding)
            take(i, ExactResult(descent.timetable(filler, rounding), None, None, False))
        except OutOfTime:
            break
    if todo:
        lanes = 1 if deterministic else max(1, min(workers, len(todo)))
        if lanes > 1 and all(sizes[i] > EXACT_MODEL_COLUMNS for i in todo):
            # only relaxations (each in a process of its own): all at once, the cores shared between them,
            # so a component whose bound settles early does not hold a core its lane-mates wait for
            lanes = len(todo)
        gains = None
        if (
            time_limit <= SHORT_LIMIT
            and not deterministic
            and all(sizes[i] <= EXACT_MODEL_COLUMNS for i in todo)
        ):
            gains = [max(0, bounds[i] - objectives[i]) for i in range(len(comps))]
            least = MIN_GAIN_SHARE * sum(gains[i] for i in todo) + 1
            gains = [max(least, g) for g in gains]
        run_lanes(
            instance,
            comps,
            balanced_lanes(todo, gains or sizes, lanes),
            sizes,
            best=lambda i: list(best[i]),
            budget_end=deadline - reserve,
            exact_budget=time_limit * (1 - RESERVE),
            seed=seed,
            deterministic=deterministic,
            stop=stop,
            take=take,
            prices=descents,
            early=early,
            weights=gains,
        )
    result.candidates.append(([s for part in best for s in part], "improvement"))
    result.bound = total_bound()
    return result


def _repaired_part(
    instance: Instance, part: list[Screening], comp, options: dict, budget: Budget
) -> list[Screening] | None:
    """A component's timetable with its shortfalls repaired (repair.py), or None when it has none or the
    repair finds nothing (OutOfTime when ``budget`` runs out)."""
    films = set(comp.films)
    table = Timetable(instance)
    for s in part:
        table.place(instance.film_by_id[s.film], instance.theater_by_id[s.theater], s.start, s.print)
    if all(table.count[f] >= instance.film_by_id[f].min_screenings for f in films):
        return None
    filler = Filler(instance, {f: options.get(f, []) for f in comp.films}, budget=budget)
    if not repair_shortfalls(instance, table, filler.ranked, films, budget.expired):
        return None
    filler.reset()
    complete(instance, table, filler, budget)
    return [s for s in table.screenings() if s.film in films]


class _Touring:
    """Prints for a component's timetable from a phase that leaves rule 10 out (the exact model and its
    neighbourhoods): each film's screenings that its prints can tour keep a print (tours.py's flow), the
    rest leave, and the films are then filled up again where every rule holds, prints included. A no-op
    without films with prints."""

    def __init__(self, instance: Instance, options: dict, comps: list):
        self.instance = instance
        self.options = options
        self.comps = comps
        self.fillers: dict[int, Filler] = {}
        self.pins = {p.key for p in instance.fixed}

    def __call__(self, i: int, screenings: list[Screening]) -> list[Screening]:
        inst = self.instance
        if not inst.touring:
            return screenings
        if all(
            s.print is not None
            for s in screenings
            if needs_print(inst.film_by_id[s.film], inst.theater_by_id[s.theater])
        ):
            return screenings  # a timetable.py timetable: its tours hold by construction
        kept, left = assign_prints(inst, screenings, self.pins)
        if not left:
            return kept
        table = Timetable(inst)
        for s in kept:
            table.place(inst.film_by_id[s.film], inst.theater_by_id[s.theater], s.start, s.print)
        filler = self.fillers.get(i)
        if filler is None:
            films = set(self.comps[i].films)
            filler = self.fillers[i] = Filler(inst, {f: o for f, o in self.options.items() if f in films})
        filler.reset()
        complete(inst, table, filler)
        repaired(inst, table, filler, set(self.comps[i].films), lambda: False)
        return table.screenings()


def _part_value(instance: Instance, part: list[Screening], comp, budget: Budget = UNLIMITED) -> int:
    """The objective of a component's timetable plus a constant (the other components' pins alone).

    Comparable between two timetables of the same component; -inf when the part is not valid.
    """
    budget.check()
    films = set(comp.films)
    report = check_screenings(instance, part + [p for p in instance.fixed if p.film not in films])
    return report.objective if report.valid else -(1 << 62)
