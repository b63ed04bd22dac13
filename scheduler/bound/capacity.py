"""The capacity-free bound: an honest upper bound of every timetable that ignores theater time (each
component's bound until its own solver reports a better one)."""

from __future__ import annotations

import math
from collections import defaultdict

from ..budget import UNLIMITED, Budget
from ..data import Instance
from ..first.greedy import slot_values
from ..first.slots import Slot


def capacity_free_bound(
    instance: Instance,
    options: dict[str, list[Slot]],
    films=None,
    budget: Budget = UNLIMITED,
    cut: set[str] = frozenset(),
) -> int:
    """Each film alone at its best allowed starts (max_per_day, max_screenings), ignoring theater time.

    Pins count towards their film; previous screenings are assumed kept. It is loose but always valid.
    ``cut``: films whose options the tables' cap left out (slots.MAX_OPTIONS): each counts as its
    maximum at the best value any compatible theater allows, never short. Raises OutOfTime when the
    budget runs out.
    """
    total = 0
    chosen = instance.films if films is None else [instance.film_by_id[fid] for fid in films]
    scored = slot_values(instance, {f.id: options.get(f.id, ()) for f in chosen if f.id not in cut}, budget)
    for f in chosen:
        budget.check()
        if f.id in cut:
            total += f.max_screenings * _most(instance, f)
            continue
        per_day: dict[int, list[int]] = defaultdict(list)
        for value, s in scored[f.id]:
            per_day[s.day].extend([value] * f.max_per_day)
        best = []
        for values in per_day.values():
            best.extend(sorted(values, reverse=True)[: f.max_per_day])
        best.sort(reverse=True)
        take = best[: f.max_screenings]
        total += sum(take) - instance.weights.shortfall_penalty * max(0, f.min_screenings - len(take))
    return total


def _most(instance: Instance, film) -> int:
    """More than any one screening of the film is worth: the best seats, day and hour weights at once."""
    seats = max((t.seats for t in instance.theaters if instance.compatible(film, t)), default=0)
    weights = instance.weights
    day = max([*weights.day, *weights.date.values(), 1.0])
    hour = max([1.0, *(w for _lo, _hi, w in weights.hour)])
    return min(seats, math.ceil(film.popularity * day * hour))
