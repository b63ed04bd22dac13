"""The greedy baseline: pins, then kept previous screenings, then minimums, then the best free places."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..budget import UNLIMITED, Budget, OutOfTime
from ..data import DAY, Film, Instance, Screening, Theater
from .slots import Places, Slot, align_up, build_slots, film_places
from .timetable import Timetable


class Filler:
    """Places screenings of films at their most valuable free slot, remembering slots found full."""

    def __init__(
        self,
        instance: Instance,
        options: dict[str, list[Slot]] | None = None,
        *,
        pack: bool = False,
        budget: Budget = UNLIMITED,
        slots: list[Slot] | None = None,
        places: Places | None = None,
    ):
        """Each film's slots ranked by decreasing value, then day, theater and start (``pack``: by day,
        band, decreasing value, theater: fill each theater-day from the morning), ties in the options'
        order. The films' slots: ``options`` (``film_options``), else those ``film_options(instance,
        slots)`` would list, else ``places`` (``film_places``, shared by fillers of the same films);
        ``slots``, the list the slots come from (``slot.index`` their place in it), spares looking them
        up. Ranked with numpy (``film_places``), kept as arrays of slot indices; a film's list is made
        only when it is first filled (``ranked``: as (value, slot) lists, on demand). Raises OutOfTime
        when the budget runs out."""
        import numpy as np  # here: importing the package must not load numpy (the web app's processes)

        self.instance = instance
        if places is None:
            places = film_places(instance, slots, options, budget)
        self.places = places
        self.slots = places.slots
        self.sizes = {fid: len(idx) for fid, idx in places.index.items()}  # places per film
        self._day = places.day.tolist()  # slot index -> day (a list: read once per slot tried)
        self.order: dict[str, object] = {}  # per film: its slot indices, ranked (a numpy array)
        self._value: dict[str, object] = {}  # per film: their values, in the same order
        for f in instance.films:
            budget.check()
            idx, value = places.index[f.id], places.value[f.id]
            if pack:  # fill each theater-day from the morning: fewer gaps, more screenings in total
                keys = (
                    np.arange(len(idx)),
                    places.theater[idx],
                    -value,
                    places.band[idx],
                    places.lo[idx] // DAY,
                )
            else:  # (day, theater, start) tell every two slots apart: no ties left
                keys = (places.lo[idx], places.theater[idx], places.day[idx], -value)
            order = np.lexsort(keys)
            self.order[f.id], self._value[f.id] = idx[order], value[order]
        self.ranked = Ranked(self)
        self.full_from: list[int] = []  # slot index -> smallest runtime that found no room
        self.live: dict[str, list[int]] = {}  # per film: ranked slot indices still worth trying
        self.reset()

    def reset(self) -> None:
        """Forget what was learnt about one timetable before working on another."""
        self.full_from = [_BIG] * len(self.slots)
        self.live = {}
        self._stamp = [-1] * len(self.slots)  # slot index -> the lane's stamp its gaps were found at
        self._gaps: list[tuple] = [()] * len(self.slots)
        self._room = [0] * len(self.slots)  # slot index -> the longest screening its gaps take

    def place_one(self, table: Timetable, film: Film) -> Screening | None:
        """Place one more screening of the film at its best feasible slot; None when nothing fits.

        Slots that can never take the film again on this timetable (its per-day count reached, or no start
        found there for it) are dropped from the film's live list: between two resets screenings are only
        added, so every rule that stopped it (counts, the theater, copies, prints) still does. A room's
        slot answers from its free gaps what ``Timetable.earliest`` would (``start_in``).
        """
        fid = film.id
        if table.count[fid] >= film.max_screenings:
            return None
        live = self.live.get(fid)
        if live is None:
            order = self.order.get(fid)
            live = [] if order is None else order.tolist()
        theaters, slots, day_of = self.instance.theater_by_id, self.slots, self._day
        full_from, per_day, runs = self.full_from, table.per_day, table.film_runs
        runtime, most, touring = film.runtime, film.max_per_day, film.prints is not None
        for pos, i in enumerate(live):
            day = day_of[i]
            if runtime >= full_from[i] or per_day.get((fid, day), 0) >= most:
                continue
            start = self.start_in(table, film, i)
            if start is None:
                # the slot is full for every film at least as long when this film's own runs (copies) and
                # prints (tours) were not what stopped it
                if not touring and not runs.get((fid, day)):
                    full_from[i] = runtime
                continue
            t = theaters[slots[i].theater]
            table.place(film, t, start)
            self.live[fid] = live[pos:]  # the slots passed over can never take it again
            return Screening(start, t.id, fid)
        self.live[fid] = []
        return None

    def start_in(self, table: Timetable, film: Film, i: int) -> int | None:
        """``table.earliest`` for the film in slot ``i`` (counts allowing): a room's slot answers from its
        free gaps (``_free``), at once when the film has no other screening that day and no prints, else
        as a first test."""
        slot = self.slots[i]
        t = self.instance.theater_by_id[slot.theater]
        if t.online:
            return table.earliest(film, t, slot.lo, slot.hi)
        if self._stamp[i] != table.stamp.get((t.id, slot.day), 0):
            self._free(table, i, slot, t)
        if film.runtime > self._room[i]:
            return None
        if film.prints is not None or table.film_runs.get((film.id, slot.day)):
            return table.earliest(film, t, slot.lo, slot.hi)
        return next(s for s, space in self._gaps[i] if space >= film.runtime)

    def _free(self, table: Timetable, i: int, slot: Slot, theater: Theater) -> None:
        """The room's free gaps for a start in the slot: per gap its earliest start on the grid in [lo, hi]
        and the minutes from there to the next screening's changeover or the segment's end (the longest
        screening that may start there as far as the theater tells: ``Timetable._theater_clash``'s rule),
        in time order; remembered with the lane's stamp."""
        lane = (theater.id, slot.day)
        c, step, lo, hi, end = theater.changeover, theater.step, slot.lo, slot.hi, slot.seg_end
        gaps = []
        free = slot.seg_start  # the earliest minute after the screenings so far (and their changeover)
        for bs, be, _ in table.busy.get(lane, ()):
            start = align_up(max(free, lo), step)
            if start > hi:
                break
            space = min(end, bs - c) - start
            if space > 0:
                gaps.append((start, space))
            free = max(free, be + c)
        else:
            start = align_up(max(free, lo), step)
            if start <= hi and end - start > 0:
                gaps.append((start, end - start))
        self._gaps[i] = gaps
        self._room[i] = max((space for _, space in gaps), default=0)
        self._stamp[i] = table.stamp.get(lane, 0)

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


_BIG = 1 << 30


class Ranked(Mapping):
    """A filler's ranked lists as each film's (value, slot) pairs by decreasing value, made on demand
    (the repair and relocation read a few films'; a million pairs made at once cost seconds)."""

    def __init__(self, filler: Filler):
        self._filler = filler
        self._made: dict[str, list[tuple[int, Slot]]] = {}

    def __getitem__(self, fid: str) -> list[tuple[int, Slot]]:
        made = self._made.get(fid)
        if made is None:
            order = self._filler.order[fid]  # KeyError for a film the filler does not know
            slots = self._filler.slots
            made = self._made[fid] = list(
                zip(self._filler._value[fid].tolist(), [slots[i] for i in order.tolist()], strict=True)
            )
        return made

    def __iter__(self) -> Iterator[str]:
        return iter(self._filler.order)

    def __len__(self) -> int:
        return len(self._filler.order)


def place_fixed_and_previous(instance: Instance, table: Timetable) -> None:
    """Pins first (as given), then every previous screening that still fits, when changes cost anything."""
    films, theaters = instance.film_by_id, instance.theater_by_id
    table.place_pins(instance.fixed)
    if instance.weights.change_penalty > 0:
        for p in sorted(instance.previous):
            f, t = films[p.film], theaters[p.theater]
            if table.can_place(f, t, p.start):
                table.place(f, t, p.start)


def order_for_minimum(instance: Instance, sizes: Mapping[str, int]) -> list[Film]:
    """Films most at risk of a shortfall first: fewest slots per screening needed (``sizes``: each
    film's number of slots, a filler's ``sizes``)."""
    return sorted(
        (f for f in instance.films if f.min_screenings > 0),
        key=lambda f: (sizes[f.id] / max(1, f.min_screenings) * f.runtime, f.id),
    )


def order_for_value(instance: Instance) -> list[Film]:
    """Films by expected audience, most popular first."""
    return sorted(instance.films, key=lambda f: (-f.popularity, f.id))


def complete(instance: Instance, table: Timetable, filler: Filler, budget: Budget = UNLIMITED) -> None:
    """Bring films up to their minimum, then up to their maximum, greedily (OutOfTime: see fill)."""
    filler.fill(table, order_for_minimum(instance, filler.sizes), lambda f: f.min_screenings, budget)
    filler.fill(table, order_for_value(instance), lambda f: f.max_screenings, budget)


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
        places = film_places(instance, slots, budget=budget)
        value_first = Filler(instance, places=places, budget=budget)
        complete(instance, table, value_first, budget)
        if all(table.count[f.id] >= f.min_screenings for f in instance.films):
            return table.screenings()
        packed = Timetable(instance)
        place_fixed_and_previous(instance, packed)
        pack_first = Filler(instance, places=places, pack=True, budget=budget)
        pack_first.fill(
            packed, order_for_minimum(instance, pack_first.sizes), lambda f: f.min_screenings, budget
        )
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
