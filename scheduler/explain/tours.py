"""Prints and online windows in words: where each print of a film is on which days, when the next city
can have it, and how long an online channel's windows run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..data import DAY, Film, Instance, Screening, city_words, date_words, format_minutes


@dataclass(frozen=True)
class Stay:
    """A print's consecutive screenings in one city: from ``first`` to ``last`` (day ordinals)."""

    city: str
    first: int
    last: int


def stays(instance: Instance, film: Film, screenings: list[Screening]) -> dict[int, list[Stay]]:
    """Per print of the film, its stays in the order it makes them (screenings without a print or of
    other films are left out)."""
    city = instance.city_of
    by_print: dict[int, list[Screening]] = defaultdict(list)
    for s in screenings:
        if s.film == film.id and s.print is not None and s.theater in city:
            by_print[s.print].append(s)
    out: dict[int, list[Stay]] = {}
    for k in sorted(by_print):
        trip: list[Stay] = []
        for s in sorted(by_print[k]):
            c, day = city[s.theater], s.start // DAY
            if trip and trip[-1].city == c:
                trip[-1] = Stay(c, trip[-1].first, day)
            else:
                trip.append(Stay(c, day, day))
        out[k] = trip
    return out


def _days(first: int, last: int) -> str:
    """``on 12 April``, ``from 12 to 18 April``, ``from 28 April to 3 May``."""
    if first == last:
        return f"on {date_words(first)}"
    a, b = date_words(first), date_words(last)
    if a.split()[1] == b.split()[1]:
        return f"from {a.split()[0]} to {b}"
    return f"from {a} to {b}"


def tour_words(instance: Instance, film: Film, screenings: list[Screening]) -> list[str]:
    """One sentence per print of the film: where it is when, and from when the next city can have it
    ("the only print of Hidden Universe is in Hefei from 12 to 18 April; Guangzhou can have it from 21
    April, and has it from 22 to 25 April")."""
    if film.prints is None:
        return []
    out = []
    toured = stays(instance, film, screenings)
    for k in range(1, film.prints + 1):
        name = f"the only print of {film.title}" if film.prints == 1 else f"print {k} of {film.title}"
        trip = toured.get(k, [])
        if not trip:
            out.append(f"{name} is not screened")
            continue
        parts = [f"{name} is in {city_words(trip[0].city)} {_days(trip[0].first, trip[0].last)}"]
        for here, there in zip(trip, trip[1:], strict=False):
            ready = here.last + instance.transit_days(here.city, there.city)
            parts.append(
                f"{city_words(there.city)} can have it from {date_words(ready)}, and has it "
                f"{_days(there.first, there.last)}"
            )
        out.append("; ".join(parts))
    return out


def online_words(instance: Instance, screenings: list[Screening]) -> list[str]:
    """One sentence per online channel: its window, tickets and how many windows the timetable uses."""
    used: dict[str, int] = defaultdict(int)
    for s in screenings:
        used[s.theater] += 1
    return [
        f"{t.name} ({t.id}) streams windows of {format_minutes(t.window)} with {t.seats} tickets each: "
        f"{used[t.id]} window(s) in this timetable"
        for t in instance.theaters
        if t.online
    ]
