"""Slots: pieces of a theater-day where a start time has one value (same segment, same hour band)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..budget import UNLIMITED, Budget
from ..data import DAY, Film, Instance, Theater

log = logging.getLogger("scheduler")

# Memory caps of the first timetable's tables (far above the largest example's, docs/scheduler.md). Past
# them the tables stop growing and the timetable uses what they hold: a valid timetable that leaves out
# theater-days (slots) or films' places (options), instead of memory without end.
MAX_SLOTS = 500_000
MAX_OPTIONS = 3_000_000


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
    """Slots each film may use (``MAX_OPTIONS`` in all at most: the films past it get none, and their
    ids go into ``cut`` when given); raises OutOfTime when the budget runs out."""
    by_theater: dict[str, list[Slot]] = {}
    for s in slots:
        by_theater.setdefault(s.theater, []).append(s)
    out: dict[str, list[Slot]] = {}
    total, full = 0, False
    for f in instance.films:
        budget.check()
        opts = []
        if total >= MAX_OPTIONS:
            if not full:
                log.warning("more than %d film options: the first timetable leaves films out", MAX_OPTIONS)
            full = True
            if cut is not None:
                cut.add(f.id)
        elif f.max_screenings > 0 and f.max_per_day > 0 and f.copies > 0:
            first = -(1 << 60) if f.not_before is None else f.not_before
            last = 1 << 60 if f.not_after is None else f.not_after
            for t in instance.theaters:
                r = t.window if t.online else f.runtime  # instance.occupancy(f, t), inlined
                if instance.compatible(f, t):  # the same test as fits(), inlined: this is a hot loop
                    opts.extend(
                        s
                        for s in by_theater.get(t.id, ())
                        if s.lo + r <= s.seg_end and first <= s.day <= last
                    )
        out[f.id] = opts
        total += len(opts)
    return out
