"""A first timetable venue by venue, for festivals too large for the greedy over every film and theater
(the pipeline uses it past ``WHOLE_GREEDY_PLACES``).

The greedy (greedy.py) lists every film's places in every compatible theater: films x theaters x days,
9 million pairs for 2,400 films over 32 venues, past its memory caps and far past the seconds a first
timetable may take. Here each film first gets a home venue (the one whose compatible theaters have the
most screen time left, the films hardest to place first, each taking its minimum's screen time there);
each venue's films are then placed by the greedy on that venue alone (a few films and theaters: small
tables); the venues' timetables are united into one, every screening kept only where every rule still
holds (pins and kept previous screenings first); last, the films still short of their minimum get
places anywhere they can go. Valid by construction, like the greedy.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from ..budget import UNLIMITED, Budget, OutOfTime
from ..data import Film, Instance, Screening
from .greedy import Filler, greedy_schedule, order_for_minimum, place_fixed_and_previous
from .slots import build_slots, film_options
from .timetable import Timetable

# the greedy over the whole festival lists about films x compatible theaters x days places and takes
# about a second of CPU per 100,000 of them (alliance, 284,202: 2.7 s; the national instance's 720
# dome films over 28 theaters, 1.2 million: 12.5 s); past this many the first timetable is built venue by
# venue instead
WHOLE_GREEDY_PLACES = 500_000


def greedy_places(instance: Instance) -> int:
    """About how many (film, theater, day) places the whole greedy would list."""
    by_format: dict[str, list] = defaultdict(list)
    for t in instance.theaters:
        for fmt in t.formats:
            by_format[fmt].append(t)
    return sum(
        sum(1 for t in by_format.get(f.format, ()) if f.requires <= t.features) * len(instance.film_days(f))
        for f in instance.films
    )


def venue_first_wanted(instance: Instance) -> bool:
    """Whether the festival has several venues (the venue-first construction needs them)."""
    return len({t.venue for t in instance.theaters}) > 1


def whole_greedy_fits(instance: Instance) -> bool:
    """Whether the whole greedy's tables are small enough to run it (``WHOLE_GREEDY_PLACES``)."""
    return greedy_places(instance) <= WHOLE_GREEDY_PLACES


def home_venues(instance: Instance, budget: Budget = UNLIMITED) -> dict[str, list[Film]]:
    """Each film's home venue: the films with the fewest compatible theaters and the longest minimum
    first, each to the venue whose compatible theaters have the most open minutes left on its dates
    (the film takes its minimum's screen time, changeover included, from them)."""
    left: dict[str, float] = {}
    for t in instance.theaters:
        budget.check()
        left[t.id] = float(
            sum(b - a for day in instance.days for a, b in instance.free_segments(t, day) if b - a > 0)
        )
    compatible = {f.id: [t for t in instance.theaters if instance.compatible(f, t)] for f in instance.films}
    order = sorted(
        instance.films,
        key=lambda f: (len(compatible[f.id]), -f.min_screenings * f.runtime, f.id),
    )
    homes: dict[str, list[Film]] = defaultdict(list)
    for f in order:
        budget.check()
        by_venue: dict[str, list] = defaultdict(list)
        for t in compatible[f.id]:
            by_venue[t.venue].append(t)
        if not by_venue:
            continue
        venue = max(sorted(by_venue), key=lambda v: sum(left[t.id] for t in by_venue[v]))
        theaters = by_venue[venue]
        need = f.min_screenings * (f.runtime + max(t.changeover for t in theaters))
        for t in theaters:  # shared by the theaters in proportion to what they have left
            share = left[t.id] / max(1.0, sum(left[u.id] for u in theaters))
            left[t.id] -= need * share
        homes[venue].append(f)
    return homes


def venue_first_schedule(instance: Instance, *, budget: Budget = UNLIMITED) -> list[Screening]:
    """A valid timetable built venue by venue (module docstring); when the budget runs out, what is
    placed so far (pins first: every screening is placed only where every rule holds)."""
    table = Timetable(instance)
    place_fixed_and_previous(instance, table)
    films, theaters = instance.film_by_id, instance.theater_by_id
    try:
        homes = home_venues(instance, budget)
        for venue in sorted(homes):
            part = dataclasses.replace(
                instance,
                theaters=tuple(t for t in instance.theaters if t.venue == venue),
                films=tuple(homes[venue]),
                fixed=(),
                previous=(),
                warning_problems=(),
            )
            for s in greedy_schedule(part, budget=budget):
                f, t = films[s.film], theaters[s.theater]
                if table.can_place(f, t, s.start):
                    table.place(f, t, s.start)
        budget.check()
        short = [f for f in instance.films if table.count[f.id] < f.min_screenings]
        if short:  # anywhere they can go: their own places only (a few films, small tables)
            some = dataclasses.replace(
                instance, films=tuple(short), fixed=(), previous=(), warning_problems=()
            )
            options = film_options(some, build_slots(instance, budget), budget)
            filler = Filler(some, options, budget=budget)
            filler.fill(table, order_for_minimum(some, filler.sizes), lambda f: f.min_screenings, budget)
    except OutOfTime:
        pass
    return table.screenings()
