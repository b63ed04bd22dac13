"""The nearest valid starts for a refused move or addition: where the screening could go instead.

Candidates are the starts on each theater's step that fit a free stretch of the theater (open, not blocked)
on a day the film may be shown; they are tried nearest to the wanted start first, and a candidate is kept
only when the scheduler's own validator finds no new violation with it in the draft. The theater asked for
comes first, then the other theaters that can show the film.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import scheduler
from festival.models import Edition, Theater
from festival.schedule import adapter
from scheduler import DAY, parse_time

HOW_MANY = 3


@dataclass(frozen=True)
class Suggestion:
    """A valid place for the screening: theater, aware start and the expected attendance there."""

    theater: Theater
    start: datetime
    attendance: int


def nearest_starts(
    edition: Edition,
    instance: scheduler.Instance,
    theater_ids: dict[int, str],
    others: list[scheduler.Screening],
    *,
    film_id: str,
    theater: Theater,
    start: datetime,
    exclude: scheduler.Screening | None = None,
    limit: int = HOW_MANY,
) -> list[Suggestion]:
    """Up to ``limit`` valid starts for the film nearest to ``start``: in ``theater`` first, then in the other
    theaters that can show it. ``others`` are the draft's screenings without the one placed (ids as in the
    instance); ``exclude`` is a place not worth suggesting (where a moved screening is now)."""
    film = instance.film_by_id.get(film_id)
    if film is None:
        return []
    check = dataclasses.replace(instance, fixed=())  # pins are the edit's own business, not a place's
    wanted = parse_time(adapter.local_text(start, edition))
    rows = {t: row for row, t in theater_ids.items()}
    first = theater_ids.get(theater.id)
    order = [first] + [t.id for t in instance.theaters if t.id != first]
    skip = {scheduler.Screening(wanted, first, film.id), exclude}  # the place refused; where it is now
    found: list[tuple[str, int]] = []
    for tid in order:
        t = instance.theater_by_id.get(tid)
        if t is None or not instance.compatible(film, t):
            continue
        room = limit - len(found) if tid == first else limit
        found += _valid_near(check, others, film, t, wanted, skip, room)
        if tid == first and len(found) >= limit:
            break
    same = [f for f in found if f[0] == first]
    rest = sorted((f for f in found if f[0] != first), key=lambda f: (abs(f[1] - wanted), f[1]))
    chosen = (same + rest)[:limit]
    by_row = {t.id: t for t in adapter.edition_theaters(edition)}
    return [
        Suggestion(
            by_row[rows[tid]],
            adapter.aware_from_minute(minute, edition),
            instance.value(film, instance.theater_by_id[tid], minute),
        )
        for tid, minute in chosen
    ]


def _starts(instance: scheduler.Instance, film: scheduler.Film, theater: scheduler.Theater) -> list[int]:
    """Every start on the theater's step at which the film fits a free stretch, on the film's days."""
    out = []
    for day in instance.film_days(film):
        for a, b in instance.free_segments(theater, day):
            base = day * DAY
            first = a + (-(a - base) % theater.step)
            out.extend(range(first, b - instance.occupancy(film, theater) + 1, theater.step))
    return out


def _valid_near(
    instance: scheduler.Instance,
    others: list[scheduler.Screening],
    film: scheduler.Film,
    theater: scheduler.Theater,
    wanted: int,
    skip: set,
    limit: int,
) -> list[tuple[str, int]]:
    """The ``limit`` valid starts of the film in the theater nearest to ``wanted`` (earlier first on ties)."""
    nearby = [s for s in others if s.theater == theater.id or s.film == film.id]
    before = set(scheduler.check_screenings(instance, nearby).violations)
    # a touring film's screening in a room is valid when one of its prints can take it
    prints = range(1, film.prints + 1) if film.prints is not None and not theater.online else (None,)
    out = []
    for minute in sorted(_starts(instance, film, theater), key=lambda m: (abs(m - wanted), m)):
        if scheduler.Screening(minute, theater.id, film.id) in skip:
            continue
        for k in prints:
            candidate = scheduler.Screening(minute, theater.id, film.id, k)
            report = scheduler.check_screenings(instance, [*nearby, candidate])
            if not set(report.violations) - before:
                out.append((theater.id, minute))
                break
        if len(out) >= limit:
            break
    return out
