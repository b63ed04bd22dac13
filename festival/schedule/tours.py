"""Prints on tour, read from a version: where each print of a touring film is on each day (its stops at
venues, the shipping in between) and the legs whoever ships the prints needs, as a page and a CSV.

A print's screenings come from the version (``Screening.print_number``, the solver's choice or the one an
edit took); the days a print needs between two cities are the instance's (``scheduler.Instance.
transit_days``), so the tour view and the validator's rule 10 read the same numbers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival import localtime, spreadsheets
from festival.extensions import db
from festival.labels import film_title
from festival.models import Decision, Edition, Entry, FilmPrint, Screening, TimetableVersion, Venue
from festival.navigation import localized
from festival.schedule import adapter
from festival.schedule.adapter.build import version_screenings
from festival.schedule.problems import city_name


@dataclass
class Stop:
    """A print's consecutive screenings at one venue."""

    venue: Venue
    city: str  # the city's name
    screenings: list[Screening] = field(default_factory=list)
    days: set[date] = field(default_factory=set)  # the days it has a screening
    first: date | None = None
    last: date | None = None


@dataclass(frozen=True)
class Leg:
    """One shipment of a print: from a venue to the next one, leaving by one day and arriving by another
    (``days``: the transit days between their cities, 0 within a city)."""

    number: int
    from_venue: Venue
    from_city: str
    to_venue: Venue
    to_city: str
    leave_by: date
    arrive_by: date
    days: int


@dataclass
class PrintTour:
    number: int
    start_venue: Venue | None
    stops: list[Stop] = field(default_factory=list)
    legs: list[Leg] = field(default_factory=list)

    def where(self, day: date) -> tuple[str, Stop | Leg | None]:
        """Where the print is on a day: ``("screening", stop)``, ``("waiting", stop)`` (between two of its
        screenings at a venue, or after its last), ``("shipping", leg)``, ``("start", None)`` (before its
        first screening: at its start venue if known)."""
        for i, stop in enumerate(self.stops):
            if stop.first <= day <= stop.last:
                return ("screening" if day in stop.days else "waiting"), stop
            after = self.stops[i + 1] if i + 1 < len(self.stops) else None
            if day > stop.last and (after is None or day < after.first):
                if after is None or after.venue.id == stop.venue.id:
                    return "waiting", stop
                return "shipping", self._leg_to(after)
        return "start", None

    def _leg_to(self, stop: Stop) -> Leg | None:
        arriving = (
            leg for leg in self.legs if leg.to_venue.id == stop.venue.id and leg.arrive_by == stop.first
        )
        return next(arriving, None)


@dataclass
class FilmTour:
    entry: Entry
    prints: int
    tours: list[PrintTour]
    unassigned: list[Screening]  # room screenings that name no print (an old draft), online windows apart
    online: list[Screening]

    @property
    def legs(self) -> list[Leg]:
        """Every shipment of the film's prints, print by print."""
        return [leg for tour in self.tours for leg in tour.legs]


def touring_films(edition: Edition) -> list[tuple[Entry, Decision]]:
    """The edition's accepted films with prints, in entry order."""
    return [(e, d) for e, d in adapter.accepted_entries(edition) if d.prints]


def film_tours(
    version: TimetableVersion, entries: Iterable[tuple[Entry, Decision]] | None = None
) -> list[FilmTour]:
    """Each touring film's prints on tour in the version (all of the edition's touring films by default)."""
    edition = db.session.get(Edition, version.edition_id)
    films = list(entries) if entries is not None else touring_films(edition)
    if not films:
        return []
    wanted = {e.id for e, _d in films}
    by_film: dict[int, list[Screening]] = defaultdict(list)
    for s in version_screenings(version):
        if s.entry_id in wanted:
            by_film[s.entry_id].append(s)
    venues = adapter.edition_venues(edition)
    starts = _start_venues(wanted)
    transit = _transit(edition, venues)
    out = []
    for entry, decision in films:
        rows = by_film.get(entry.id, [])
        online = [s for s in rows if s.theater.online]
        rooms = [s for s in rows if not s.theater.online]
        tours = []
        for number in range(1, decision.prints + 1):
            mine = [s for s in rooms if s.print_number == number]
            tours.append(_tour(number, starts.get((entry.id, number)), mine, edition, venues, transit))
        unassigned = [s for s in rooms if s.print_number is None or s.print_number > decision.prints]
        out.append(FilmTour(entry, decision.prints, tours, unassigned, online))
    return out


def _start_venues(entry_ids: set[int]) -> dict[tuple[int, int], Venue]:
    stmt = sa.select(FilmPrint).where(
        FilmPrint.entry_id.in_(entry_ids), FilmPrint.start_venue_id.is_not(None)
    )
    return {(p.entry_id, p.number): p.start_venue for p in db.session.scalars(stmt)}


def _transit(edition: Edition, venues: list[Venue]):
    """Transit days between two venues' cities, as the solver counts them."""
    pairs = {}
    for p in adapter.transit_pairs(edition):
        a, b = adapter.city_key(p.city_a), adapter.city_key(p.city_b)
        pairs[(a, b)] = pairs[(b, a)] = p.days

    def days(a: Venue, b: Venue) -> int:
        ca, cb = adapter.city_key(a.city), adapter.city_key(b.city)
        return 0 if ca == cb else pairs.get((ca, cb), edition.transit_days_default)

    return days


def _tour(
    number: int, start: Venue | None, screenings: list[Screening], edition: Edition, venues, transit
) -> PrintTour:
    tour = PrintTour(number, start)
    for s in sorted(screenings, key=lambda s: (s.start, s.id)):
        venue, day = s.theater.venue, localtime.local_day(s.start, edition)
        if not tour.stops or tour.stops[-1].venue.id != venue.id:
            tour.stops.append(Stop(venue, city_name(adapter.city_key(venue.city), venues)))
        stop = tour.stops[-1]
        stop.screenings.append(s)
        stop.days.add(day)
        stop.first = stop.first or day
        stop.last = day
    previous = (start, None) if start is not None else (None, None)
    for stop in tour.stops:
        here, last_day = previous
        if here is not None and here.id != stop.venue.id:
            days = transit(here, stop.venue)
            leave = stop.first - timedelta(days=days)
            tour.legs.append(
                Leg(
                    number, here, city_name(adapter.city_key(here.city), venues), stop.venue, stop.city,
                    max(leave, last_day) if last_day is not None else leave, stop.first, days,
                )
            )  # fmt: skip
        previous = (stop.venue, stop.last)
    return tour


def tour_days(edition: Edition, tour: FilmTour) -> list[tuple[date, list[tuple[str, Stop | Leg | None]]]]:
    """Each day of the edition's window with where every print of the film is that day."""
    out = []
    day = edition.first_day
    while day <= edition.last_day:
        out.append((day, [t.where(day) for t in tour.tours]))
        day += timedelta(days=1)
    return out


# ---------------------------------------------------------------- CSV for whoever ships the prints


CSV_COLUMNS = (
    _l("Film"),
    _l("Film print"),
    _l("From venue"),
    _l("From city"),
    _l("To venue"),
    _l("To city"),
    _l("Leave by"),
    _l("Arrive by"),
    _l("Transit days"),
)


def legs_of(tours: Iterable[FilmTour]) -> Iterator[tuple[FilmTour, Leg]]:
    for tour in tours:
        for leg in tour.legs:
            yield tour, leg


def tours_csv(version: TimetableVersion) -> str:
    """One row per leg of every touring film's prints, in film then print order: through the spreadsheet
    guard (a cell starting with = + - @ is written as text)."""
    rows = (
        (
            film_title(tour.entry),
            leg.number,
            localized(leg.from_venue, "name"),
            leg.from_city,
            localized(leg.to_venue, "name"),
            leg.to_city,
            leg.leave_by.isoformat(),
            leg.arrive_by.isoformat(),
            leg.days,
        )
        for tour, leg in legs_of(film_tours(version))
    )
    return spreadsheets.csv_text([str(c) for c in CSV_COLUMNS], rows)
