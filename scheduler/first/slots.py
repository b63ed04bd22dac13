"""Slots: pieces of a theater-day where a start time has one value (same segment, same hour band)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget
from ..data import DAY, Film, Instance, Theater

log = logging.getLogger("scheduler")

# Memory caps of the first timetable's tables (far above the largest example's, docs/scheduler.md). Past
# them the tables stop growing and the timetable uses what they hold: a valid timetable that leaves out
# theater-days (slots) or films' less valuable places (options), instead of memory without end. An option
# costs about 70 bytes with its value (the filler's ranked lists): ten million, 0.7 GB. The national
# instance's largest part has 7.9 million (the whole instance 13.7 million): with every film's places
# there, its completions and repairs found free time (seed 7737, 120 s: 1,953,777 against 1,752,441 with
# 3 million kept by value)
MAX_SLOTS = 500_000
MAX_OPTIONS = 10_000_000


@dataclass(frozen=True)
class Slot:
    """Starts on the theater's grid in [lo, hi] inside free segment [seg_start, seg_end) of one day."""

    index: int
    theater: str
    day: int
    segment: int  # index of the free segment within the theater-day
    band: int  # index of the band within the segment (time order)
    seg_start: int
    seg_end: int
    lo: int
    hi: int
    piece: int = 0  # index of the hour-weight piece of the day (same for every theater)


def align_up(minute: int, step: int) -> int:
    """Smallest start on the step grid (minutes after that day's midnight) at or after ``minute``."""
    base = minute // DAY * DAY
    k = -(-(minute - base) // step)
    return base + k * step


def align_down(minute: int, step: int) -> int:
    """Largest start on the step grid at or before ``minute``."""
    base = minute // DAY * DAY
    return base + (minute - base) // step * step


def hour_breaks(instance: Instance) -> list[int]:
    """Minutes of day where the hour weight may change."""
    points = {0, DAY}
    for lo, hi, _ in instance.weights.hour:
        points.update((lo, hi))
    return sorted(points)


def build_slots(instance: Instance, budget: Budget = UNLIMITED) -> list[Slot]:
    """All slots of the festival window, in (theater, day, time) order (the first ``MAX_SLOTS``); raises
    OutOfTime when the budget runs out."""
    breaks = hour_breaks(instance)
    slots: list[Slot] = []
    for t in instance.theaters:
        for day in instance.days:
            budget.check()
            if len(slots) >= MAX_SLOTS:
                log.warning("more than %d slots: the first timetable uses the first of them only", MAX_SLOTS)
                return slots
            for si, (a, e) in enumerate(instance.free_segments(t, day)):
                band = 0
                base = day * DAY
                for piece, (b0, b1) in enumerate(zip(breaks, breaks[1:], strict=False)):
                    lo = align_up(max(a, base + b0), t.step)
                    hi = align_down(min(base + b1 - 1, e - 1), t.step)
                    if lo > hi or lo // DAY != day:
                        continue
                    slots.append(Slot(len(slots), t.id, day, si, band, a, e, lo, hi, piece))
                    band += 1
    return slots


def fits(film: Film, theater: Theater, slot: Slot, instance: Instance) -> bool:
    """Whether the film may start somewhere in the slot as far as the slot alone tells."""
    if slot.lo + instance.occupancy(film, theater) > slot.seg_end or not instance.compatible(film, theater):
        return False
    return (film.not_before is None or slot.day >= film.not_before) and (
        film.not_after is None or slot.day <= film.not_after
    )


def film_options(
    instance: Instance, slots: list[Slot], budget: Budget = UNLIMITED, cut: set[str] | None = None
) -> dict[str, list[Slot]]:
    """Slots each film may use (``fits``), ``MAX_OPTIONS`` in all at most: past it every film keeps its most
    valuable slots, as many as the cap leaves each (``best_options``), and the ids of the films that lost
    some go into ``cut`` when given. Each film's slots in the instance's theater order, then the slots'
    order; found with numpy (``_fitting``: alliance-sized, about a million, in a few hundredths of a second
    where one by one took half a second). Raises OutOfTime when the budget runs out."""
    import numpy as np  # here: importing the package must not load numpy (the web app's processes)

    by_theater = _by_theater(slots)
    if _places_upper_bound(instance, by_theater) > MAX_OPTIONS:
        lists = {tid: [slots[k] for k in at] for tid, at in by_theater.items()}
        return best_options(instance, lists, budget, cut)
    table = np.empty(len(slots), dtype=object)
    table[:] = slots
    fitting = _fitting(instance, by_theater, _geometry(instance, slots), budget)
    return {fid: table[at].tolist() for fid, at in fitting.items()}


def best_options(
    instance: Instance,
    by_theater: dict[str, list[Slot]],
    budget: Budget = UNLIMITED,
    cut: set[str] | None = None,
) -> dict[str, list[Slot]]:
    """film_options past ``MAX_OPTIONS``: every film its most valuable slots (by the value of a start at
    the slot's first minute, ties in slot order), each film as many as the cap leaves it (the same number
    for all, the films with fewer keeping all theirs: ``_share``); in slot order. With numpy, a film's
    slots at once (2,400 films of 9,000 slots each: a fifth of a second, where lists take tens of
    seconds and gigabytes). Raises OutOfTime when the budget runs out."""
    import numpy as np  # here: importing the package must not load numpy (the web app's processes)

    weights = instance.weights
    groups: dict[tuple, list[Film]] = {}
    for f in instance.films:
        if f.max_screenings > 0 and f.max_per_day > 0 and f.copies > 0:
            groups.setdefault((f.format, f.requires), []).append(f)
    fitting: dict[str, tuple] = {}  # film -> (its slots' positions in its group's table, their values)
    tables = []
    for films in groups.values():
        budget.check()
        theaters = [t for t in instance.theaters if instance.compatible(films[0], t)]
        table = [s for t in theaters for s in by_theater.get(t.id, ())]
        online = {t.id: t.window for t in theaters if t.online}
        seats = np.array([instance.theater_by_id[s.theater].seats for s in table], dtype=float)
        day = np.array([s.day for s in table])
        room = np.array([s.seg_end - s.lo for s in table])
        window = np.array([online.get(s.theater, -1) for s in table])
        day_w = np.array([weights.day_weight(s.day) for s in table])
        hour_w = np.array([weights.hour_weight(s.lo % DAY) for s in table])
        tables.append(table)
        for f in films:
            budget.check()
            first = -(1 << 60) if f.not_before is None else f.not_before
            last = 1 << 60 if f.not_after is None else f.not_after
            occupancy = np.where(window >= 0, window, f.runtime)
            where = np.flatnonzero((occupancy <= room) & (day >= first) & (day <= last))
            # the same arithmetic as Instance.value: popularity * day weight * hour weight, floored, capped
            value = np.minimum(seats[where], np.floor(f.popularity * day_w[where] * hour_w[where] + 1e-9))
            fitting[f.id] = (len(tables) - 1, where, value)
    share = _share([len(w) for _, w, _ in fitting.values()], MAX_OPTIONS)
    out: dict[str, list[Slot]] = {}
    for f in instance.films:
        budget.check()
        if f.id not in fitting:
            out[f.id] = []
            continue
        group, where, value = fitting[f.id]
        if len(where) > share:
            keep = np.sort(np.argsort(-value, kind="stable")[:share])
            where = where[keep]
            if cut is not None:
                cut.add(f.id)
        table = tables[group]
        out[f.id] = [table[i] for i in where.tolist()]
    log.warning("more than %d film options: each film keeps its %d most valuable", MAX_OPTIONS, share)
    return out


def _share(sizes: list[int], total: int) -> int:
    """The largest number each list may keep so that the lists together keep at most ``total`` (lists
    shorter than it keep all theirs)."""
    sizes = sorted(sizes)
    left = total
    for i, n in enumerate(sizes):
        if n * (len(sizes) - i) > left:
            return max(0, left // (len(sizes) - i))
        left -= n
    return max(sizes, default=0)


@dataclass
class Places:
    """Every film's places as arrays: ``index[film]`` its slots (their ``Slot.index``, in the options'
    order) and ``value[film]`` the value of a start at each one's first minute (``Instance.value``'s
    arithmetic); per slot (by index) ``slots``, its ``day``, ``lo``, ``band`` and ``theater`` (rank of
    its theater's id). Every film of the instance has an entry (empty when it has no place)."""

    slots: list  # slot index -> Slot (None where no film's options hold it)
    day: object  # numpy arrays by slot index
    lo: object
    band: object
    theater: object
    index: dict[str, object]
    value: dict[str, object]


def film_places(
    instance: Instance,
    slots: list[Slot] | None = None,
    options: dict[str, list[Slot]] | None = None,
    budget: Budget = UNLIMITED,
) -> Places:
    """The films' places (``Places``) with numpy: from ``options`` when given (any subset of films, the
    slots of ``film_options``), else the places ``film_options(instance, slots)`` lists, found from arrays
    of the slots without making its lists (past ``MAX_OPTIONS`` its capped lists are used). ``slots``:
    ``build_slots``' list (a slot's index is its place in it). Raises OutOfTime when the budget runs out."""
    import numpy as np  # here: importing the package must not load numpy (the web app's processes)

    index = None
    if options is None:
        assert slots is not None
        by_theater = _by_theater(slots)
        if _places_upper_bound(instance, by_theater) > MAX_OPTIONS:
            options = film_options(instance, slots, budget)
        else:
            index = _fitting(instance, by_theater, _geometry(instance, slots), budget)
    if options is not None:
        if slots is None:
            known = {s.index: s for opts in options.values() for s in opts}
            slots = [None] * (max(known, default=-1) + 1)
            for i, s in known.items():
                slots[i] = s
        index = {}
        for f in instance.films:
            budget.check()
            opts = options.get(f.id, ())
            index[f.id] = np.fromiter((s.index for s in opts), dtype=np.int64, count=len(opts))
    day, lo, band, theater, _, _ = _geometry(instance, slots)
    seats, day_w, hour_w = _weights(instance, slots, day, lo)
    value = {}
    for f in instance.films:
        budget.check()
        idx = index[f.id]
        # the same arithmetic as Instance.value: popularity * day weight * hour weight, floored, capped
        x = np.floor(f.popularity * day_w[idx] * hour_w[idx] + 1e-9)
        value[f.id] = np.minimum(seats[idx], x).astype(np.int64)
    return Places(slots, day, lo, band, theater, index, value)


def _by_theater(slots: list) -> dict[str, list[int]]:
    """Each theater's slots (their places in ``slots``), in order."""
    by_theater: dict[str, list[int]] = {}
    for k, s in enumerate(slots):
        if s is not None:
            by_theater.setdefault(s.theater, []).append(k)
    return by_theater


def _places_upper_bound(instance: Instance, by_theater: dict[str, list[int]]) -> int:
    """At most this many places (every slot of every compatible theater, summed over the films): below
    ``MAX_OPTIONS``, every film keeps all its places."""
    films: dict[tuple, int] = {}
    for f in instance.films:
        films[(f.format, f.requires)] = films.get((f.format, f.requires), 0) + 1
    most = 0
    for (fmt, requires), n in films.items():
        compatible = [t for t in instance.theaters if fmt in t.formats and requires <= t.features]
        most += n * sum(len(by_theater.get(t.id, ())) for t in compatible)
    return most


def _geometry(instance: Instance, slots: list) -> tuple:
    """Per place in ``slots``: day, lo, band, theater (rank of its id), room (the segment's end minus lo)
    and an online channel's window (-1 for a room); zeros where ``slots`` holds None."""
    import numpy as np

    rank = {tid: r for r, tid in enumerate(sorted(t.id for t in instance.theaters))}
    window_of = {t.id: t.window if t.online else -1 for t in instance.theaters}
    n = len(slots)
    columns = np.zeros((6, n), dtype=np.int64)
    at = [k for k, s in enumerate(slots) if s is not None]
    if at:
        columns[:, at] = np.array(
            [
                (s.day, s.lo, s.band, rank[s.theater], s.seg_end - s.lo, window_of[s.theater])
                for s in slots
                if s
            ],
            dtype=np.int64,
        ).T
    return tuple(columns)


def _weights(instance: Instance, slots: list, day, lo) -> tuple:
    """Per place in ``slots``: seats, day weight and hour weight (each weight looked up once per day and
    per minute of day); zeros where ``slots`` holds None."""
    import numpy as np

    weights = instance.weights
    seats_of = {t.id: t.seats for t in instance.theaters}
    at = np.array([k for k, s in enumerate(slots) if s is not None], dtype=np.int64)
    seats, day_w, hour_w = np.zeros(len(slots)), np.zeros(len(slots)), np.zeros(len(slots))
    if len(at):
        seats[at] = [seats_of[slots[k].theater] for k in at.tolist()]
        days, day_at = np.unique(day[at], return_inverse=True)
        day_w[at] = np.array([weights.day_weight(d) for d in days.tolist()])[day_at]
        minutes, minute_at = np.unique(lo[at] % DAY, return_inverse=True)
        hour_w[at] = np.array([weights.hour_weight(m) for m in minutes.tolist()])[minute_at]
    return seats, day_w, hour_w


def _fitting(instance: Instance, by_theater: dict[str, list[int]], geometry: tuple, budget: Budget) -> dict:
    """Each film's places (in ``slots``, as ``film_options`` lists them below its cap) as an array: the
    slots of its compatible theaters (the instance's theater order, then slot order) where it fits and
    that lie within its dates (``fits``); none for a film that may not screen at all."""
    import numpy as np

    day, room, window = geometry[0], geometry[4], geometry[5]
    tables: dict[tuple, tuple] = {}
    out = {}
    for f in instance.films:
        budget.check()
        if not (f.max_screenings > 0 and f.max_per_day > 0 and f.copies > 0):
            out[f.id] = np.zeros(0, dtype=np.int64)
            continue
        key = (f.format, f.requires)
        if key not in tables:
            compatible = [t for t in instance.theaters if instance.compatible(f, t)]
            table = np.array([k for t in compatible for k in by_theater.get(t.id, ())], dtype=np.int64)
            tables[key] = (table, room[table], window[table], day[table])
        table, space, win, days = tables[key]
        first = -(1 << 60) if f.not_before is None else f.not_before
        last = 1 << 60 if f.not_after is None else f.not_after
        occupancy = np.where(win >= 0, win, f.runtime)
        out[f.id] = table[(occupancy <= space) & (days >= first) & (days <= last)]
    return out
