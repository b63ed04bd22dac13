"""The capacity-free bound: an honest upper bound of every timetable that ignores theater time (each
component's bound until its own solver reports a better one)."""

from __future__ import annotations

import math

import numpy as np

from ..budget import UNLIMITED, Budget
from ..data import Instance
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
    weights = _SlotWeights(instance)
    for f in chosen:
        budget.check()
        if f.id in cut:
            total += f.max_screenings * _most(instance, f)
            continue
        # ignoring theater time, a day's best start can be taken max_per_day times: the day's best value
        # is worth that many screenings, and the film's best days give its max_screenings
        best = sorted(weights.best_per_day(f, options.get(f.id, ())), reverse=True)
        best = best[: -(-f.max_screenings // max(1, f.max_per_day))]
        take = [v for v in best for _ in range(f.max_per_day)][: f.max_screenings]
        total += sum(take) - instance.weights.shortfall_penalty * max(0, f.min_screenings - len(take))
    return total


class _SlotWeights:
    """Per slot (by index) its day weight, hour weight, seats and day, looked up once for all films: a
    film's value at a slot is then ``Instance.value``'s arithmetic over arrays (alliance-sized: about
    a million film-slot pairs, 1.5 s one by one, 0.1 s so)."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.seats_of = {t.id: t.seats for t in instance.theaters}
        self.known = np.zeros(0, dtype=bool)
        self.day_w, self.hour_w, self.seats = np.zeros(0), np.zeros(0), np.zeros(0)
        self.day = np.zeros(0, dtype=np.int64)

    def _learn(self, slots, index: np.ndarray) -> None:
        """Look the weights up for the slots not seen before."""
        size = int(index.max()) + 1
        if size > len(self.known):
            grow = size - len(self.known)
            self.known = np.concatenate([self.known, np.zeros(grow, dtype=bool)])
            self.day_w, self.hour_w, self.seats = (
                np.concatenate([a, np.zeros(grow)]) for a in (self.day_w, self.hour_w, self.seats)
            )
            self.day = np.concatenate([self.day, np.zeros(grow, dtype=np.int64)])
        weights = self.instance.weights
        for pos in np.nonzero(~self.known[index])[0].tolist():
            s = slots[pos]
            i = s.index
            self.day_w[i], self.hour_w[i] = weights.day_weight(s.day), weights.hour_weight(s.lo % 1440)
            self.seats[i], self.day[i], self.known[i] = self.seats_of[s.theater], s.day, True

    def best_per_day(self, film, slots) -> list[int]:
        """The film's most valuable start of each day it has slots on (``Instance.value``'s arithmetic)."""
        if not slots:
            return []
        index = np.fromiter((s.index for s in slots), dtype=np.int64, count=len(slots))
        if int(index.max()) >= len(self.known) or not self.known[index].all():
            self._learn(slots, index)
        value = np.minimum(
            self.seats[index], np.floor(film.popularity * self.day_w[index] * self.hour_w[index] + 1e-9)
        )
        days = self.day[index]
        order = np.lexsort((-value, days))  # by day, the most valuable first
        first = np.ones(len(order), dtype=bool)
        first[1:] = days[order][1:] != days[order][:-1]
        return [int(v) for v in value[order][first]]


def _most(instance: Instance, film) -> int:
    """More than any one screening of the film is worth: the best seats, day and hour weights at once."""
    seats = max((t.seats for t in instance.theaters if instance.compatible(film, t)), default=0)
    weights = instance.weights
    day = max([*weights.day, *weights.date.values(), 1.0])
    hour = max([1.0, *(w for _lo, _hi, w in weights.hour)])
    return min(seats, math.ceil(film.popularity * day * hour))
