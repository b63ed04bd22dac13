"""A mutable timetable that answers "can this screening go here?" quickly (greedy, roundings, relaxation)."""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Iterable

from ..data import DAY, Film, Instance, Screening, Theater, base_end
from .slots import align_up
from .tours import Tours, assign_prints, needs_print

_STAMPS = itertools.count(1)


class Timetable:
    """Screenings placed so far, with the hard rules checked incrementally.

    A room's screenings are kept per theater-day (opening intervals never cross midnight); an online
    channel's all together (its windows may run over several days). Online screenings do not count for
    copies (rule 7). Screenings of films with prints get a print as they are placed (``tours``: rule 10).
    """

    def __init__(self, instance: Instance):
        self.instance = instance
        self.busy: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
        self.film_runs: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self.count: dict[str, int] = defaultdict(int)
        self.per_day: dict[tuple[str, int], int] = defaultdict(int)
        self._segments: dict[tuple[str, int], tuple] = {}
        self.tours = Tours(instance)
        self.print_of: dict[tuple[str, str, int], int] = {}  # (film, theater, start) -> its print
        # lane -> a number no other change of any timetable has had: what a cache of a lane's free time
        # compares (a lane never changed is empty)
        self.stamp: dict[tuple[str, int], int] = {}

    @staticmethod
    def lane(theater: Theater, day: int) -> tuple[str, int]:
        """The key of the list holding the theater's screenings of that day."""
        return (theater.id, -1) if theater.online else (theater.id, day)

    def segments(self, theater: Theater, day: int) -> tuple:
        key = (theater.id, day)
        if key not in self._segments:
            self._segments[key] = self.instance.free_segments(theater, day)
        return self._segments[key]

    def screenings(self) -> list[Screening]:
        """Everything placed (with prints), sorted by start, theater, film."""
        placed = sorted((s, tid, fid) for (tid, _), items in self.busy.items() for s, _, fid in items)
        return [Screening(s, tid, fid, self.print_of.get((fid, tid, s))) for s, tid, fid in placed]

    def room_for_film(self, film: Film, day: int) -> bool:
        """Whether counts allow one more screening of the film on that day."""
        return self.count[film.id] < film.max_screenings and self.per_day[(film.id, day)] < film.max_per_day

    def place(self, film: Film, theater: Theater, start: int, print_number: int | None = None) -> None:
        """Record a screening (no checks) with the given print, else one that can take it (the first
        print when none can: only pins that break rule 10 together are placed so)."""
        day = start // DAY
        end = start + self.instance.occupancy(film, theater)
        lane = self.lane(theater, day)
        bisect.insort(self.busy[lane], (start, end, film.id))
        self.stamp[lane] = next(_STAMPS)
        if not theater.online:
            bisect.insort(self.film_runs[(film.id, day)], (start, start + film.runtime))
        if needs_print(film, theater):
            city = self.instance.city_of[theater.id]
            k = print_number or self.tours.choose(film, start, city) or 1
            self.tours.add(film, k, start, city)
            self.print_of[(film.id, theater.id, start)] = k
        self.count[film.id] += 1
        self.per_day[(film.id, day)] += 1

    def place_pins(self, pins: Iterable[Screening]) -> None:
        """Record pinned screenings (no checks), their prints chosen together so that the pins' tours hold
        whenever they can."""
        pins = list(pins)
        films, theaters = self.instance.film_by_id, self.instance.theater_by_id
        with_prints, left = assign_prints(self.instance, pins, {p.key for p in pins})
        for p in with_prints + left:
            self.place(films[p.film], theaters[p.theater], p.start, p.print)

    def remove(self, film: Film, theater: Theater, start: int) -> None:
        """Take a placed screening out again."""
        day = start // DAY
        end = start + self.instance.occupancy(film, theater)
        lane = self.lane(theater, day)
        self.busy[lane].remove((start, end, film.id))
        self.stamp[lane] = next(_STAMPS)
        if not theater.online:
            self.film_runs[(film.id, day)].remove((start, start + film.runtime))
        k = self.print_of.pop((film.id, theater.id, start), None)
        if k is not None:
            self.tours.remove(film, k, start, self.instance.city_of[theater.id])
        self.count[film.id] -= 1
        self.per_day[(film.id, day)] -= 1

    def _print_free(self, film: Film, theater: Theater, start: int) -> bool:
        """Whether rule 10 lets the screening in: some print can take it (or it needs none)."""
        if not needs_print(film, theater):
            return True
        return self.tours.choose(film, start, self.instance.city_of[theater.id]) is not None

    def can_place(self, film: Film, theater: Theater, start: int) -> bool:
        """Whether adding this screening keeps every hard rule."""
        inst = self.instance
        day = start // DAY
        if not inst.compatible(film, theater) or day not in inst.film_days(film):
            return False
        if (start - day * DAY) % theater.step or not self.room_for_film(film, day):
            return False
        end = start + inst.occupancy(film, theater)
        if not any(a <= start and end <= b for a, b in self.segments(theater, day)):
            return False
        return (
            self._theater_clash(theater, day, start, end) is None
            and self._copies_clash(film, theater, day, start) is None
            and self._print_free(film, theater, start)
        )

    def can_place_on_grid(self, film: Film, theater: Theater, start: int) -> bool:
        """``can_place`` for a start already known to be compatible, on the step grid, inside a free
        segment and within the film's dates (the relaxation's starts): counts, theater and copies only."""
        day = start // DAY
        end = start + self.instance.occupancy(film, theater)
        return (
            self.room_for_film(film, day)
            and self._theater_clash(theater, day, start, end) is None
            and self._copies_clash(film, theater, day, start) is None
            and self._print_free(film, theater, start)
        )

    def _theater_clash(self, theater: Theater, day: int, start: int, end: int) -> int | None:
        """The earliest start after the clashing screenings, or None when the theater is free."""
        c = theater.changeover
        push = None
        # a room: screenings of the previous/next day cannot clash (opening intervals never cross
        # midnight); a channel: its windows all last as long, so only those starting less than a window
        # (and changeover) before can clash
        items = self.busy.get(self.lane(theater, day), ())
        first = bisect.bisect_left(items, (start - theater.window - c + 1,)) if theater.online else 0
        for k in range(first, len(items)):
            bs, be, _ = items[k]
            if bs >= end + c:
                break
            if start < be + c and bs < end + c:
                push = max(push or 0, be + c)
        return push

    def _copies_clash(self, film: Film, theater: Theater, day: int, start: int) -> int | None:
        """The earliest end of a clashing run when the film's copies (or prints) would be exceeded, else
        None (online screenings do not count)."""
        runs = self.film_runs.get((film.id, day))
        if not runs or theater.online:
            return None
        end = start + film.runtime
        overlapping = [re for rs, re in runs if rs < end and start < re]
        if len(overlapping) < film.at_once:
            return None
        # a finer check: the most runs at once within [start, end)
        points = sorted({start} | {rs for rs, re in runs if start <= rs < end})
        worst = max(sum(1 for rs, re in runs if rs <= p < re) for p in points)
        if worst < film.at_once:
            return None
        return min(overlapping)

    def earliest(self, film: Film, theater: Theater, lo: int, hi: int) -> int | None:
        """Earliest feasible grid start in [lo, hi] for the film in the theater, or None."""
        day = lo // DAY
        if not self.room_for_film(film, day):
            return None
        occupancy = self.instance.occupancy(film, theater)
        for a, b in self.segments(theater, day):
            last = min(hi, b - occupancy, base_end(day) - 1)
            s = align_up(max(lo, a), theater.step)
            while s <= last:
                push = self._theater_clash(theater, day, s, s + occupancy)
                if push is None:
                    push = self._copies_clash(film, theater, day, s)
                    if push is None:
                        if self._print_free(film, theater, s):
                            return s
                        push = s + 1
                s = align_up(max(push, s + 1), theater.step)
        return None
