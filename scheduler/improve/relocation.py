"""Local search on a timetable: move screenings to more valuable starts where every rule still holds."""

from __future__ import annotations

from collections.abc import Callable

from ..data import Instance, Screening
from ..first.greedy import Filler
from ..first.slots import Slot, build_slots, film_options
from ..first.timetable import Timetable

# passes over the screenings at most (a pass that moves nothing ends the search): a later pass finds the
# moves the earlier ones made possible, at the cost of the time of a whole pass
PASSES = 3
# more valuable slots tried per screening at most: most are full on a good timetable, so more tries find
# few more moves and cost the time of the whole pass
TRIES = 300


def relocate(
    instance: Instance,
    table: Timetable,
    ranked: dict[str, list[tuple[int, Slot]]],
    films: set[str],
    stop: Callable[[], bool],
) -> int:
    """Take the screenings of ``films`` least valuable first, each out of the timetable and back in at the
    most valuable start where every rule holds (``ranked``: a film's slots by decreasing value), when that
    is worth more than where it was. Counts do not change, so neither do shortfalls; pins and, when
    changes cost, previous screenings stay. Returns how many screenings moved."""
    films_by_id, theaters = instance.film_by_id, instance.theater_by_id
    keep = staying(instance)
    moves = 0
    for _ in range(PASSES):
        moved = 0
        current = sorted(
            (instance.value(films_by_id[s.film], theaters[s.theater], s.start), s)
            for s in table.screenings()
            if s.film in films and s.key not in keep
        )
        for value, s in current:
            if stop():
                return moves + moved
            f, here = films_by_id[s.film], theaters[s.theater]
            table.remove(f, here, s.start)
            target = _best_start(table, f, ranked[f.id], value, theaters)
            if target is None:
                table.place(f, here, s.start)
            else:
                table.place(f, *target)
                moved += 1
        moves += moved
        if not moved:
            break
    return moves


def staying(instance: Instance) -> set:
    """The keys of the screenings a local search never moves or removes: pins, and previous screenings
    when changes cost."""
    keep = {p.key for p in instance.fixed}
    if instance.weights.change_penalty > 0:
        keep |= {p.key for p in instance.previous}
    return keep


def relocated(
    instance: Instance, screenings: list[Screening], films, stop: Callable[[], bool]
) -> list[Screening]:
    """A component's timetable (of ``films``) with its screenings relocated (``relocate``); the rounded
    LP and descent solutions gain a per cent or two this way within a fraction of a second."""
    members = set(films)
    options = {f: o for f, o in film_options(instance, build_slots(instance)).items() if f in members}
    table = Timetable(instance)
    for s in screenings:
        table.place(instance.film_by_id[s.film], instance.theater_by_id[s.theater], s.start)
    relocate(instance, table, Filler(instance, options).ranked, members, stop)
    return table.screenings()


def _best_start(table: Timetable, film, slots: list[tuple[int, Slot]], above: int, theaters):
    """The first start found in the film's slots worth more than ``above``, by decreasing value (the
    ``TRIES`` most valuable free-looking ones at most)."""
    tries = 0
    for value, slot in slots:
        if value <= above or tries >= TRIES:
            return None
        if not table.room_for_film(film, slot.day):
            continue
        tries += 1
        t = theaters[slot.theater]
        start = table.earliest(film, t, slot.lo, slot.hi)
        if start is not None:
            return t, start
    return None
