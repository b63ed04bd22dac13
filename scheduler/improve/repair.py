"""Shortfall repair: a film short of its minimum takes a place from screenings that can spare it.

A timetable built screening by screening (the relaxation's constructions, the rounded descent, the greedy
filler) can leave a film short of its minimum while the time it needs is held by films above theirs: the
filler only adds where a place is free. A missing screening costs ``shortfall_penalty`` (a million by
default) and a screening's attendance a few hundred, so taking the place back almost always pays. Here a
short film's compatible theater-days are searched for the cheapest run of consecutive screenings whose
removal makes room for it, where every removed film stays at or above its minimum and pins (and, when
changes cost, previous screenings) stay; the move is made when it gains. The removed films are then
brought back up by the caller's filler wherever a place is left. Valid by construction: the film is
placed by ``Timetable.earliest``, which checks every hard rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget
from ..data import Film, Instance
from ..first.greedy import Filler, complete
from ..first.slots import Slot
from ..first.timetable import Timetable
from .relocation import staying

# consecutive screenings of one theater removed for one placement at most: more finds room for the
# longest films on the fullest days, but each extra one multiplies the runs tried per theater-day
RUN = 3


@dataclass(frozen=True)
class _Move:
    gain: int
    theater: str
    start: int
    removed: tuple[tuple[int, int, str], ...]  # (start, end, film) in the theater's lane


def repair_shortfalls(
    instance: Instance,
    table: Timetable,
    ranked: dict[str, list[tuple[int, Slot]]],
    films: set[str],
    stop: Callable[[], bool],
) -> int:
    """Raise the films of ``films`` short of their minimum by taking places from films above theirs
    (``ranked``: each film's slots by decreasing value, the filler's). Returns the screenings placed."""
    keep = staying(instance)
    films_by_id = instance.film_by_id
    short = sorted(
        (films_by_id[fid] for fid in films if table.count[fid] < films_by_id[fid].min_screenings),
        key=lambda f: (table.count[f.id] - f.min_screenings, f.id),
    )
    placed = 0
    for film in short:
        while table.count[film.id] < film.min_screenings and not stop():
            move = _cheapest(instance, table, film, ranked.get(film.id, ()), films, keep)
            if move is None or move.gain <= 0:
                break
            theater = instance.theater_by_id[move.theater]
            for start, _end, fid in move.removed:
                table.remove(films_by_id[fid], theater, start)
            table.place(film, theater, move.start)
            placed += 1
    return placed


def repaired(
    instance: Instance,
    table: Timetable,
    filler: Filler,
    films: set[str],
    stop: Callable[[], bool],
    budget: Budget = UNLIMITED,
) -> None:
    """``repair_shortfalls`` on a completed timetable, then the films it took places from brought up
    again by the filler (reset first: its memory of full slots no longer holds once screenings left;
    OutOfTime when ``budget`` runs out there, as ``complete``)."""
    if repair_shortfalls(instance, table, filler.ranked, films, stop):
        filler.reset()
        complete(instance, table, filler, budget)


def _cheapest(
    instance: Instance,
    table: Timetable,
    film: Film,
    slots,
    members: set[str],
    keep: set,
) -> _Move | None:
    """The most gainful placement of one more screening of ``film``: on each theater-day segment it
    may use, a free start, or the cheapest run of at most ``RUN`` consecutive screenings to remove."""
    theaters, films_by_id = instance.theater_by_id, instance.film_by_id
    penalty = instance.weights.shortfall_penalty
    # the film's theater-day segments, most valuable first (``slots`` is ranked by decreasing value)
    segments: dict[tuple[str, int, int], list[int]] = {}
    for value, slot in slots:
        key = (slot.theater, slot.day, slot.segment)
        span = segments.get(key)
        if span is None:
            segments[key] = [slot.lo, slot.hi, value]
        else:
            span[0], span[1] = min(span[0], slot.lo), max(span[1], slot.hi)
    best: _Move | None = None
    for (tid, day, _segment), (lo, hi, most) in segments.items():
        if best is not None and best.gain >= penalty + most:
            break  # no later segment can do better: each is worth at most its most valuable start
        if table.per_day[(film.id, day)] >= film.max_per_day:
            continue
        t = theaters[tid]
        start = table.earliest(film, t, lo, hi)
        if start is not None:
            gain = penalty + instance.value(film, t, start)
            if best is None or gain > best.gain:
                best = _Move(gain, tid, start, ())
            continue
        reach = instance.occupancy(film, t) + t.changeover
        items = [
            item
            for item in table.busy.get(table.lane(t, day), ())
            if item[0] < hi + reach and item[1] + t.changeover > lo - (t.window if t.online else 0)
        ]
        for i in range(len(items)):
            removed: list[tuple[int, int, str, int | None]] = []
            loss = 0
            for s, e, fid in items[i : i + RUN]:
                f = films_by_id[fid]
                if fid not in members or (fid, tid, s) in keep or table.count[fid] <= f.min_screenings:
                    break
                loss += instance.value(f, t, s)
                if best is not None and penalty + most - loss <= best.gain:
                    break  # this run can no longer beat the best move
                removed.append((s, e, fid, table.print_of.get((fid, tid, s))))
                table.remove(f, t, s)
                # only starts whose screening meets the time just freed can be new
                start = table.earliest(film, t, max(lo, removed[0][0] - reach), min(hi, e + t.changeover))
                if start is not None:
                    gain = penalty + instance.value(film, t, start) - loss
                    if best is None or gain > best.gain:
                        best = _Move(gain, tid, start, tuple((s, e, fid) for s, e, fid, _ in removed))
                    break
            for s, _e, fid, k in reversed(removed):  # the timetable as it was, prints included
                table.place(films_by_id[fid], t, s, k)
    return best
