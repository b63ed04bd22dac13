"""A mutable timetable that answers "can this screening go here?" quickly (greedy, roundings, relaxation)."""

from __future__ import annotations

import bisect
from collections import defaultdict

from ..data import DAY, Film, Instance, Screening, Theater
from .slots import align_up


class Timetable:
    """Screenings placed so far, with the hard rules checked incrementally."""

    def __init__(self, instance: Instance):
        self.instance = instance
        self.busy: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
        self.film_runs: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self.count: dict[str, int] = defaultdict(int)
        self.per_day: dict[tuple[str, int], int] = defaultdict(int)
        self._segments: dict[tuple[str, int], tuple] = {}

    def segments(self, theater: Theater, day: int) -> tuple:
        key = (theater.id, day)
        if key not in self._segments:
            self._segments[key] = self.instance.free_segments(theater, day)
        return self._segments[key]

    def screenings(self) -> list[Screening]:
        """Everything placed, sorted by start, theater, film."""
        return sorted(Screening(s, tid, fid) for (tid, _), items in self.busy.items() for s, _, fid in items)

    def room_for_film(self, film: Film, day: int) -> bool:
        """Whether counts allow one more screening of the film on that day."""
        return self.count[film.id] < film.max_screenings and self.per_day[(film.id, day)] < film.max_per_day

    def place(self, film: Film, theater: Theater, start: int) -> None:
        """Record a screening (no checks)."""
        day = start // DAY
        bisect.insort(self.busy[(theater.id, day)], (start, start + film.runtime, film.id))
        bisect.insort(self.film_runs[(film.id, day)], (start, start + film.runtime))
        self.count[film.id] += 1
        self.per_day[(film.id, day)] += 1

    def remove(self, film: Film, theater: Theater, start: int) -> None:
        """Take a placed screening out again."""
        day = start // DAY
        self.busy[(theater.id, day)].remove((start, start + film.runtime, film.id))
        self.film_runs[(film.id, day)].remove((start, start + film.runtime))
        self.count[film.id] -= 1
        self.per_day[(film.id, day)] -= 1

    def can_place(self, film: Film, theater: Theater, start: int) -> bool:
        """Whether adding this screening keeps every hard rule."""
        inst = self.instance
        day = start // DAY
        if not inst.compatible(film, theater) or day not in inst.film_days(film):
            return False
        if (start - day * DAY) % theater.step or not self.room_for_film(film, day):
            return False
        end = start + film.runtime
        if not any(a <= start and end <= b for a, b in self.segments(theater, day)):
            return False
        return (
            self._theater_clash(theater, day, start, end) is None
            and self._copies_clash(film, day, start) is None
        )

    def can_place_on_grid(self, film: Film, theater: Theater, start: int) -> bool:
        """``can_place`` for a start already known to be compatible, on the step grid, inside a free
        segment and within the film's dates (the relaxation's starts): counts, theater and copies only."""
        day = start // DAY
        return (
            self.room_for_film(film, day)
            and self._theater_clash(theater, day, start, start + film.runtime) is None
            and self._copies_clash(film, day, start) is None
        )

    def _theater_clash(self, theater: Theater, day: int, start: int, end: int) -> int | None:
        """The earliest start after the clashing screenings, or None when the theater is free."""
        c = theater.changeover
        push = None
        # screenings of the previous/next day cannot clash: opening intervals never cross midnight
        for bs, be, _ in self.busy.get((theater.id, day), ()):
            if bs >= end + c:
                break
            if start < be + c and bs < end + c:
                push = max(push or 0, be + c)
        return push

    def _copies_clash(self, film: Film, day: int, start: int) -> int | None:
        """The earliest end of a clashing run when ``copies`` would be exceeded, else None."""
        runs = self.film_runs.get((film.id, day))
        if not runs:
            return None
        end = start + film.runtime
        overlapping = [re for rs, re in runs if rs < end and start < re]
        if len(overlapping) < film.copies:
            return None
        # a finer check: the most runs at once within [start, end)
        points = sorted({start} | {rs for rs, re in runs if start <= rs < end})
        worst = max(sum(1 for rs, re in runs if rs <= p < re) for p in points)
        if worst < film.copies:
            return None
        return min(overlapping)

    def earliest(self, film: Film, theater: Theater, lo: int, hi: int) -> int | None:
        """Earliest feasible grid start in [lo, hi] for the film in the theater, or None."""
        day = lo // DAY
        if not self.room_for_film(film, day):
            return None
        for a, b in self.segments(theater, day):
            last = min(hi, b - film.runtime)
            s = align_up(max(lo, a), theater.step)
            while s <= last:
                push = self._theater_clash(theater, day, s, s + film.runtime)
                if push is None:
                    push = self._copies_clash(film, day, s)
                    if push is None:
                        return s
                s = align_up(max(push, s + 1), theater.step)
        return None
