"""Turn the master's counts per (film, slot) into exact start times, repairing what does not fit."""

from __future__ import annotations

from collections import defaultdict

from .data import Instance, Screening
from .greedy import Filler, complete
from .slots import Slot, index_by_theater_day, slot_of
from .timetable import Timetable


def step_length(runtime: int, changeover: int, step: int) -> int:
    """Minutes between consecutive starts on the grid: runtime + changeover rounded up to the step."""
    return -(-(runtime + changeover) // step) * step


def sequence(
    instance: Instance,
    slots: list[Slot],
    counts: dict[tuple[str, int], int],
    kept: list[Screening],
    filler: Filler,
    fixed: list[Screening] = (),
) -> list[Screening]:
    """Exact starts: pins, kept previous screenings, then each slot's films packed earliest-first.

    ``fixed`` screenings (valid together with the pins, e.g. other components' timetables) come first.
    """
    films, theaters = instance.film_by_id, instance.theater_by_id
    filler.reset()
    table = Timetable(instance)
    remaining = dict(counts)
    by_day = index_by_theater_day(slots)
    pinned = {p.key for p in instance.fixed}
    for p in instance.fixed:
        table.place(films[p.film], theaters[p.theater], p.start)
        _consume(remaining, by_day, p)
    for p in fixed:
        if p.key not in pinned:
            table.place(films[p.film], theaters[p.theater], p.start)
    for p in sorted(kept):
        f, t = films[p.film], theaters[p.theater]
        if table.can_place(f, t, p.start):
            table.place(f, t, p.start)
            _consume(remaining, by_day, p)
    by_slot: dict[int, list[str]] = defaultdict(list)
    for (fid, si), n in sorted(remaining.items()):
        by_slot[si].extend([fid] * n)
    dropped: list[str] = []
    order = sorted(by_slot, key=lambda i: (slots[i].theater, slots[i].day, slots[i].lo))
    last_of_segment = {}
    for i in order:
        last_of_segment[(slots[i].theater, slots[i].day, slots[i].segment)] = i
    for si in sorted(order, key=lambda i: (slots[i].day, slots[i].lo, slots[i].theater)):
        slot = slots[si]
        is_last = last_of_segment[(slot.theater, slot.day, slot.segment)] == si
        dropped.extend(_pack_slot(table, instance, slot, by_slot[si], is_last))
    for fid in dropped:
        filler.place_one(table, films[fid])
    complete(instance, table, filler)
    return table.screenings()


def _orders(instance: Instance, slot: Slot, fids: list[str], is_last: bool) -> list[list[str]]:
    """Candidate orders of a slot's films: the master lets only the last one run past the band's end."""
    films, t = instance.film_by_id, instance.theater_by_id[slot.theater]

    def w(fid: str) -> int:
        return step_length(films[fid].runtime, t.changeover, t.step)

    orders = [sorted(fids, key=lambda f: (w(f), f))]
    if is_last:  # the segment's last screening wants the largest w - runtime
        orders.append(sorted(fids, key=lambda f: (w(f) - films[f].runtime, w(f), f)))
    orders.append(sorted(fids, key=lambda f: (-films[f].runtime, f)))
    return orders


def _pack_slot(table: Timetable, instance: Instance, slot: Slot, fids: list[str], is_last: bool) -> list[str]:
    """Place a slot's films earliest-first, trying a few orders; returns the films that did not fit."""
    films, t = instance.film_by_id, instance.theater_by_id[slot.theater]
    best: tuple[list, list] | None = None
    for order in _orders(instance, slot, fids, is_last):
        placed, failed = [], []
        for fid in order:
            start = table.earliest(films[fid], t, slot.lo, slot.hi)
            if start is None:
                failed.append(fid)
            else:
                table.place(films[fid], t, start)
                placed.append((fid, start))
        if not failed:
            return []
        if best is None or len(failed) < len(best[1]):
            best = (order, failed)
        for fid, start in placed:
            table.remove(films[fid], t, start)
    dropped = []
    for fid in best[0]:
        start = table.earliest(films[fid], t, slot.lo, slot.hi)
        if start is None:
            dropped.append(fid)
        else:
            table.place(films[fid], t, start)
    return dropped


def _consume(remaining: dict, by_day: dict, s: Screening) -> None:
    """Count a fixed-time screening against its cell, so the cell's other screenings stay flexible."""
    slot = slot_of(by_day, s.theater, s.start)
    if slot is not None and remaining.get((s.film, slot.index), 0) > 0:
        remaining[(s.film, slot.index)] -= 1
