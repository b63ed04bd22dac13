"""The greedy baseline: pins, then kept previous screenings, then minimums, then the best free places."""

from __future__ import annotations

import math

from ..budget import UNLIMITED, Budget, OutOfTime
from ..data import Film, Instance, Screening
from .slots import Slot, build_slots, film_options
from .timetable import Timetable


class Filler:
    """Places screenings of films at their most valuable free slot, remembering slots found full."""

    def __init__(
        self,
        instance: Instance,
        options: dict[str, list[Slot]],
        *,
        pack: bool = False,
        scored: dict[str, list[tuple[int, Slot]]] | None = None,
        budget: Budget = UNLIMITED,
        slots: list[Slot] | None = None,
    ):
        """``slots``: the list the options' slots come from (``slot.index`` their place in it): the
        ranked lists are then made with numpy (``ranked_by_value``), the same lists several times faster
        (the national instance's parts: 7.9 million places, 20 s of Python)."""
        self.instance = instance
        self.ranked: dict[str, list[tuple[int, Slot]]] = {}
        self.full_from: dict[int, int] = {}  # slot index -> smallest runtime that found no room
        self.live: dict[str, list[tuple[int, Slot]]] = {}  # per film: ranked slots still worth trying
        if slots is not None and not pack and scored is None:
            self.ranked = ranked_by_value(instance, options, slots, budget)
            return
        scored = slot_values(instance, options, budget) if scored is None else scored
        for f in instance.films:
            budget.check()
            items = list(scored.get(f.id, ()))
            if pack:  # fill each theater-day from the morning: fewer gaps, more screenings in total
                items.sort(key=lambda vs: (vs[1].lo // 1440, vs[1].band, -vs[0], vs[1].theater))
            else:
                items.sort(key=lambda vs: (-vs[0], vs[1].day, vs[1].theater, vs[1].lo))
            self.ranked[f.id] = items

    def reset(self) -> None:
        """Forget what was learnt about one timetable before working on another."""
        self.full_from = {}
        self.live = {}

    def place_one(self, table: Timetable, film: Film) -> Screening | None:
        """Place one more screening of the film at its best feasible slot; None when nothing fits.

        Slots that can never take the film again on this timetable (its per-day count reached, or no start
        found there for it) are dropped from the film's live list: between two resets screenings are only
        added, so every rule that stopped it (counts, the theater, copies, prints) still does.
        """
        if table.count[film.id] >= film.max_screenings:
            return None
        theaters = self.instance.theater_by_id
        live = self.live.get(film.id)
        if live is None:
            live = self.ranked[film.id]
        keep: list[tuple[int, Slot]] = []
        placed = None
        full_from, per_day, runs = self.full_from, table.per_day, table.film_runs
        big = 1 << 30
        for pos, item in enumerate(live):
            slot = item[1]
            if (
                film.runtime >= full_from.get(slot.index, big)
                or per_day[(film.id, slot.day)] >= film.max_per_day
            ):
                continue
            t = theaters[slot.theater]
            start = table.earliest(film, t, slot.lo, slot.hi)
            if start is None:
                # the slot is full for every film at least as long when this film's own runs (copies) and
                # prints (tours) were not what stopped it
                if not runs.get((film.id, slot.day)) and film.prints is None:
                    full_from[slot.index] = min(film.runtime, full_from.get(slot.index, big))
                continue
            table.place(film, t, start)
            keep.append(item)
            keep.extend(live[pos + 1 :])
            placed = Screening(start, t.id, film.id)
            break
        self.live[film.id] = keep
        return placed

    def fill(self, table: Timetable, films: list[Film], target, budget: Budget = UNLIMITED) -> None:
        """Round-robin over films, one screening each per round, while ``target(film)`` exceeds its count;
        raises OutOfTime when the budget runs out (every screening placed so far keeps every rule)."""
        active = list(films)
        while active:
            nxt = []
            for f in active:
                budget.check()
                if table.count[f.id] < target(f) and self.place_one(table, f) is not None:
                    nxt.append(f)
            active = nxt


def slot_values(
    instance: Instance, options: dict[str, list[Slot]], budget: Budget = UNLIMITED
) -> dict[str, list[tuple[int, Slot]]]:
    """(value of a start at the slot's first minute, slot) for every film's slots.

    Same arithmetic as Instance.value (popularity * day weight * hour weight, floored, capped at seats),
    with the weights looked up once per day and per slot start instead of once per (film, slot). Raises
    OutOfTime when the budget runs out.
    """
    weights = instance.weights
    day_w: dict[int, float] = {}
    hour_w: dict[int, float] = {}
    seats = {t.id: t.seats for t in instance.theaters}
    out: dict[str, list[tuple[int, Slot]]] = {}
    for f in instance.films:
        budget.check()
        scored = []
        pop = f.popularity
        for s in options.get(f.id, ()):
            dw = day_w.get(s.day)
            if dw is None:
                dw = day_w[s.day] = weights.day_weight(s.day)
            minute = s.lo % 1440
            hw = hour_w.get(minute)
            if hw is None:
                hw = hour_w[minute] = weights.hour_weight(minute)
            scored.append((min(seats[s.theater], math.floor(pop * dw * hw + 1e-9)), s))
        out[f.id] = scored
    return out


def ranked_by_value(
    instance: Instance, options: dict[str, list[Slot]], slots: list[Slot], budget: Budget = UNLIMITED
) -> dict[str, list[tuple[int, Slot]]]:
    """The filler's ranked lists, with numpy: each film's (value, slot) by decreasing value, then day,
    theater and start, ties in the options' order (the order and the values of ``slot_values`` and
    Filler's sort: the same arithmetic, stable sorts). ``slots``: the list the options' slots come from.
    Raises OutOfTime when the budget runs out."""
    import numpy as np  # here: importing the package must not load numpy (the web app's processes)

    weights = instance.weights
    rank = {tid: r for r, tid in enumerate(sorted(t.id for t in instance.theaters))}
    seats = {t.id: t.seats for t in instance.theaters}
    day = np.array([s.day for s in slots], dtype=np.int64)
    lo = np.array([s.lo for s in slots], dtype=np.int64)
    theater = np.array([rank[s.theater] for s in slots], dtype=np.int64)
    room = np.array([seats[s.theater] for s in slots], dtype=float)
    day_w = {d: weights.day_weight(d) for d in set(day.tolist())}
    dw = np.array([day_w[d] for d in day.tolist()])
    hw = np.array([weights.hour_weight(s.lo % 1440) for s in slots])
    out: dict[str, list[tuple[int, Slot]]] = {}
    for f in instance.films:
        budget.check()
        opts = options.get(f.id, ())
        idx = np.fromiter((s.index for s in opts), dtype=np.int64, count=len(opts))
        value = np.minimum(room[idx], np.floor(f.popularity * dw[idx] * hw[idx] + 1e-9)).astype(np.int64)
        order = np.lexsort((lo[idx], theater[idx], day[idx], -value)).tolist()
        out[f.id] = list(zip(value[order].tolist(), [opts[i] for i in order], strict=True))
    return out


def place_fixed_and_previous(instance: Instance, table: Timetable) -> None:
    """Pins first (as given), then every previous screening that still fits, when changes cost anything."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    table.place_pins(instance.fixed)
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


def complete(instance: Instance, table: Timetable, filler: Filler, budget: Budget = UNLIMITED) -> None:
    """Bring films up to their minimum, then up to their maximum, greedily (OutOfTime: see fill)."""
    filler.fill(
        table, order_for_minimum(instance, filler_options(filler)), lambda f: f.min_screenings, budget
    )
    filler.fill(table, order_for_value(instance), lambda f: f.max_screenings, budget)


def filler_options(filler: Filler) -> dict[str, list[Slot]]:
    return {fid: [s for _, s in ranked] for fid, ranked in filler.ranked.items()}


def greedy_schedule(
    instance: Instance, slots: list[Slot] | None = None, *, budget: Budget = UNLIMITED
) -> list[Screening]:
    """A valid timetable built greedily and deterministically (pins must be valid together).

    Best-value places first; when that leaves a film short, minimums are placed packed from the morning.
    When the budget runs out, the better of the timetables built so far (pins at least: every screening
    is placed only where every rule holds, so a timetable stopped half-way is valid).
    """
    table = Timetable(instance)
    place_fixed_and_previous(instance, table)
    packed = None
    try:
        slots = build_slots(instance, budget) if slots is None else slots
        options = film_options(instance, slots, budget)
        scored = slot_values(instance, options, budget)
        value_first = Filler(instance, options, scored=scored, budget=budget)
        complete(instance, table, value_first, budget)
        if all(table.count[f.id] >= f.min_screenings for f in instance.films):
            return table.screenings()
        packed = Timetable(instance)
        place_fixed_and_previous(instance, packed)
        pack_first = Filler(instance, options, pack=True, scored=scored, budget=budget)
        pack_first.fill(packed, order_for_minimum(instance, options), lambda f: f.min_screenings, budget)
        value_first.reset()
        value_first.fill(packed, order_for_value(instance), lambda f: f.max_screenings, budget)
    except OutOfTime:
        pass
    tables = [table.screenings()] + ([packed.screenings()] if packed is not None else [])
    return min(tables, key=lambda s: _shortfall(instance, s))


def _shortfall(instance: Instance, screenings: list[Screening]) -> int:
    counts: dict[str, int] = {}
    for s in screenings:
        counts[s.film] = counts.get(s.film, 0) + 1
    return sum(max(0, f.min_screenings - counts.get(f.id, 0)) for f in instance.films)
