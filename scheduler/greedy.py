"""The greedy baseline: pins, then kept previous screenings, then minimums, then the best free places."""

from __future__ import annotations

from .data import Film, Instance, Screening
from .slots import Slot, build_slots, film_options
from .timetable import Timetable


class Filler:
    """Places screenings of films at their most valuable free slot, remembering slots found full."""

    def __init__(self, instance: Instance, options: dict[str, list[Slot]], *, pack: bool = False):
        self.instance = instance
        self.ranked: dict[str, list[tuple[int, Slot]]] = {}
        for f in instance.films:
            t_of = instance.theater_by_id
            scored = [(instance.value(f, t_of[s.theater], s.lo), s) for s in options.get(f.id, ())]
            if pack:  # fill each theater-day from the morning: fewer gaps, more screenings in total
                scored.sort(key=lambda vs: (vs[1].lo // 1440, vs[1].band, -vs[0], vs[1].theater))
            else:
                scored.sort(key=lambda vs: (-vs[0], vs[1].day, vs[1].theater, vs[1].lo))
            self.ranked[f.id] = scored
        self.full_from: dict[int, int] = {}  # slot index -> smallest runtime that found no room

    def place_one(self, table: Timetable, film: Film) -> Screening | None:
        """Place one more screening of the film at its best feasible slot; None when nothing fits."""
        if table.count[film.id] >= film.max_screenings:
            return None
        theaters = self.instance.theater_by_id
        for _, slot in self.ranked[film.id]:
            if film.runtime >= self.full_from.get(slot.index, 1 << 30):
                continue
            if table.per_day[(film.id, slot.day)] >= film.max_per_day:
                continue
            t = theaters[slot.theater]
            start = table.earliest(film, t, slot.lo, slot.hi)
            if start is None:
                if not table.film_runs.get((film.id, slot.day)):
                    self.full_from[slot.index] = min(film.runtime, self.full_from.get(slot.index, 1 << 30))
                continue
            table.place(film, t, start)
            return Screening(start, t.id, film.id)
        return None

    def fill(self, table: Timetable, films: list[Film], target) -> None:
        """Round-robin over films, one screening each per round, while ``target(film)`` exceeds its count."""
        active = list(films)
        while active:
            nxt = []
            for f in active:
                if table.count[f.id] < target(f) and self.place_one(table, f) is not None:
                    nxt.append(f)
            active = nxt


def place_fixed_and_previous(instance: Instance, table: Timetable) -> None:
    """Pins first (as given), then every previous screening that still fits, when changes cost anything."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    for p in instance.fixed:
        table.place(films[p.film], theaters[p.theater], p.start)
    if instance.weights.change_penalty > 0:
        for p in sorted(instance.previous):
            f, t = films[p.film], theaters[p.theater]
            if table.can_place(f, t, p.start):
                table.place(f, t, p.start)


def order_for_minimum(instance: Instance, options: dict[str, list[Slot]]) -> list[Film]:
    """Films most at risk of a shortfall first: fewest slots per screening needed."""
    return sorted(
        (f for f in instance.films if f.min_screenings > 0),
        key=lambda f: (len(options[f.id]) / max(1, f.min_screenings) * f.runtime, f.id),
    )


def order_for_value(instance: Instance) -> list[Film]:
    """Films by expected audience, most popular first."""
    return sorted(instance.films, key=lambda f: (-f.popularity, f.id))


def complete(instance: Instance, table: Timetable, filler: Filler) -> None:
    """Bring films up to their minimum, then up to their maximum, greedily."""
    filler.fill(table, order_for_minimum(instance, filler_options(filler)), lambda f: f.min_screenings)
    filler.fill(table, order_for_value(instance), lambda f: f.max_screenings)


def filler_options(filler: Filler) -> dict[str, list[Slot]]:
    return {fid: [s for _, s in ranked] for fid, ranked in filler.ranked.items()}


def greedy_schedule(instance: Instance, slots: list[Slot] | None = None) -> list[Screening]:
    """A valid timetable built greedily and deterministically (pins must be valid together).

    Best-value places first; when that leaves a film short, minimums are placed packed from the morning.
    """
    slots = build_slots(instance) if slots is None else slots
    options = film_options(instance, slots)
    value_first = Filler(instance, options)
    table = Timetable(instance)
    place_fixed_and_previous(instance, table)
    complete(instance, table, value_first)
    if all(table.count[f.id] >= f.min_screenings for f in instance.films):
        return table.screenings()
    packed = Timetable(instance)
    place_fixed_and_previous(instance, packed)
    pack_first = Filler(instance, options, pack=True)
    pack_first.fill(packed, order_for_minimum(instance, options), lambda f: f.min_screenings)
    value_first.full_from.clear()
    value_first.fill(packed, order_for_value(instance), lambda f: f.max_screenings)
    return min(table.screenings(), packed.screenings(), key=lambda s: _shortfall(instance, s))


def _shortfall(instance: Instance, screenings: list[Screening]) -> int:
    counts: dict[str, int] = {}
    for s in screenings:
        counts[s.film] = counts.get(s.film, 0) + 1
    return sum(max(0, f.min_screenings - counts.get(f.id, 0)) for f in instance.films)
