"""The capacity-free bound: an honest upper bound of every timetable that ignores theater time (each
component's bound until its own solver reports a better one)."""

from __future__ import annotations

from collections import defaultdict

from ..budget import UNLIMITED, Budget
from ..data import Instance
from ..first.greedy import slot_values
from ..first.slots import Slot


def capacity_free_bound(
    instance: Instance, options: dict[str, list[Slot]], films=None, budget: Budget = UNLIMITED
) -> int:
    """Each film alone at its best allowed starts (max_per_day, max_screenings), ignoring theater time.

    Pins count towards their film; previous screenings are assumed kept. It is loose but always valid.
    Raises OutOfTime when the budget runs out.
    """
    total = 0
    chosen = instance.films if films is None else [instance.film_by_id[fid] for fid in films]
    scored = slot_values(instance, {f.id: options.get(f.id, ()) for f in chosen}, budget)
    for f in chosen:
        budget.check()
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
