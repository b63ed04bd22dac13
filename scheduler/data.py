"""Frozen dataclasses for instances and schedules; all times are integer minutes.

An absolute time is ``date.toordinal() * 1440 + minute_of_day``; a day is a date ordinal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

FORMATS = ("dome", "giant_screen", "4d", "documentary", "scifi")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 1440

Interval = tuple[int, int]


def base_end(day: int) -> int:
    """The first minute after a day."""
    return (day + 1) * DAY


def day_of(minute: int) -> int:
    """Day ordinal of an absolute minute."""
    return minute // DAY


def format_time(minute: int) -> str:
    """Absolute minute as ``YYYY-MM-DDTHH:MM``."""
    d, m = divmod(minute, DAY)
    return f"{date.fromordinal(d).isoformat()}T{m // 60:02d}:{m % 60:02d}"


def format_date(day: int) -> str:
    """Day ordinal as ``YYYY-MM-DD``."""
    return date.fromordinal(day).isoformat()


def format_clock(minute_of_day: int) -> str:
    """Minute of day as ``HH:MM``."""
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def format_label(film_format: str) -> str:
    """A film format in words: ``4D``, ``giant screen``."""
    return "4D" if film_format == "4d" else film_format.replace("_", " ")


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")  # fmt: skip


def date_words(day: int) -> str:
    """A day ordinal in words: ``12 April``."""
    d = date.fromordinal(day)
    return f"{d.day} {MONTHS[d.month - 1]}"


def city_words(city: str) -> str:
    """A city as a sentence shows it: ``beijing`` -> ``Beijing`` (a name already capitalised stays)."""
    return city[:1].upper() + city[1:]


def days_words(days: int) -> str:
    """``1 day is``, ``3 days are``: how many days a rule needs, as the subject of a sentence."""
    return "1 day is" if days == 1 else f"{days} days are"


def format_minutes(minutes: int) -> str:
    """A duration in words: ``41 h 20 min``."""
    h, m = divmod(minutes, 60)
    return f"{h} h {m} min" if h else f"{m} min"


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    hours: tuple[tuple[Interval, ...], ...]  # one tuple of (open, close) minutes per weekday, mon first
    closed_dates: frozenset[int] = frozenset()
    special_hours: dict[int, tuple[Interval, ...]] = field(default_factory=dict, hash=False)
    city: str = ""  # version 2: the city the venue is in ("" = the venue's own id, the format's default)

    @property
    def city_name(self) -> str:
        """The venue's city (its id when it names none)."""
        return self.city or self.id

    def opening(self, day: int) -> tuple[Interval, ...]:
        """Opening intervals (minutes of day) on a date, after closed dates and special hours."""
        if day in self.closed_dates:
            return ()
        if day in self.special_hours:
            return self.special_hours[day]
        return self.hours[date.fromordinal(day).weekday()]


@dataclass(frozen=True)
class Theater:
    id: str
    venue: str
    name: str
    seats: int
    formats: frozenset[str]
    features: frozenset[str] = frozenset()
    changeover: int = 0
    step: int = 5
    unavailable: tuple[Interval, ...] = ()  # absolute [start, end)
    online: bool = False  # version 2: a streaming channel (its venue's hours do not apply)
    window: int = 0  # version 2: minutes one online screening occupies the channel (online only)


@dataclass(frozen=True)
class Film:
    id: str
    title: str
    format: str
    runtime: int
    requires: frozenset[str] = frozenset()
    min_screenings: int = 1
    max_screenings: int = 1
    max_per_day: int = 1
    copies: int = 1
    popularity: float = 0
    not_before: int | None = None
    not_after: int | None = None
    prints: int | None = None  # version 2: physical prints that tour (rule 10); None = digital

    @property
    def at_once(self) -> int:
        """Most screenings of the film in rooms at one moment: its prints when it has them (a print shows
        one screening at a time), else its copies (rule 7)."""
        return self.copies if self.prints is None else self.prints


@dataclass(frozen=True, order=True)
class Screening:
    start: int
    theater: str
    film: str
    # version 2: the print a screening of a film with prints uses (1..prints); not part of its identity
    print: int | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str, int]:
        """(film, theater, start): the identity used for pins and previous screenings."""
        return (self.film, self.theater, self.start)


@dataclass(frozen=True)
class Weights:
    day: tuple[float, ...] = (1.0,) * 7
    date: dict[int, float] = field(default_factory=dict, hash=False)
    hour: tuple[tuple[int, int, float], ...] = ()
    shortfall_penalty: int = 1_000_000
    change_penalty: int = 0

    def day_weight(self, day: int) -> float:
        """Weight of a date: a ``date`` entry replaces the weekday's."""
        w = self.date.get(day)
        return w if w is not None else self.day[date.fromordinal(day).weekday()]

    def hour_weight(self, minute_of_day: int) -> float:
        """Weight of a start time: the first range containing it, else 1.0."""
        for lo, hi, w in self.hour:
            if lo <= minute_of_day < hi:
                return w
        return 1.0


@dataclass(frozen=True)
class Instance:
    name: str
    timezone: str
    first_day: int
    last_day: int
    venues: tuple[Venue, ...]
    theaters: tuple[Theater, ...]
    films: tuple[Film, ...]
    fixed: tuple[Screening, ...] = ()
    previous: tuple[Screening, ...] = ()
    weights: Weights = field(default_factory=Weights)
    warning_problems: tuple = ()  # scheduler.read.Problem values: what the reader accepted but warns about
    version: int = 1  # of the instance format read (the schedule written back has the same version)
    transit_default: int = 1  # version 2: days a print needs between two cities (rule 10.2)
    transit_pairs: dict[tuple[str, str], int] = field(default_factory=dict, hash=False)  # both directions

    @property
    def warnings(self) -> tuple[str, ...]:
        """The reader's warnings in English (``path: message``)."""
        return tuple(str(p) for p in self.warning_problems)

    @cached_property
    def venue_by_id(self) -> dict[str, Venue]:
        return {v.id: v for v in self.venues}

    @cached_property
    def theater_by_id(self) -> dict[str, Theater]:
        return {t.id: t for t in self.theaters}

    @cached_property
    def film_by_id(self) -> dict[str, Film]:
        return {f.id: f for f in self.films}

    @cached_property
    def city_of(self) -> dict[str, str]:
        """Theater id -> the city of its venue."""
        return {t.id: self.venue_by_id[t.venue].city_name for t in self.theaters}

    def transit_days(self, city_a: str, city_b: str) -> int:
        """Whole days a print needs from its last screening day in one city to its first in the other (0
        within a city)."""
        if city_a == city_b:
            return 0
        return self.transit_pairs.get((city_a, city_b), self.transit_default)

    @cached_property
    def touring(self) -> bool:
        """Whether rule 10 can bind: some film has prints (a print's screenings never overlap, and
        between cities they need transit days)."""
        return any(f.prints is not None for f in self.films)

    def occupancy(self, film: Film, theater: Theater) -> int:
        """Minutes a screening of the film occupies the theater: its runtime, or an online channel's
        window."""
        return theater.window if theater.online else film.runtime

    @property
    def days(self) -> range:
        """Day ordinals of the screening window."""
        return range(self.first_day, self.last_day + 1)

    def compatible(self, film: Film, theater: Theater) -> bool:
        """Whether the theater can show the film (format and features)."""
        return film.format in theater.formats and film.requires <= theater.features

    def film_days(self, film: Film) -> range:
        """Days the film may be screened on (festival window and its own limits)."""
        lo = max(self.first_day, film.not_before if film.not_before is not None else self.first_day)
        hi = min(self.last_day, film.not_after if film.not_after is not None else self.last_day)
        return range(lo, hi + 1)

    def opening(self, theater: Theater, day: int) -> tuple[Interval, ...]:
        """Absolute opening intervals of the theater's venue on a day; for an online channel, the whole
        festival from that day on (its venue's hours do not apply, and a window may run past midnight)."""
        base = day * DAY
        if theater.online:
            return ((base, (self.last_day + 1) * DAY),) if self.first_day <= day <= self.last_day else ()
        return tuple((base + a, base + b) for a, b in self.venue_by_id[theater.venue].opening(day))

    def free_segments(self, theater: Theater, day: int) -> tuple[Interval, ...]:
        """Absolute intervals from a day on when the theater is open and not unavailable: a screening
        starting on that day fits when ``[start, start + occupancy)`` lies in one of them. A room's lie
        within the day; an online channel's start on the day and may run to the end of the festival."""
        segments = []
        blocks = sorted(theater.unavailable)
        for a, b in self.opening(theater, day):
            cur = a
            for ua, ub in blocks:
                if ub <= cur or ua >= b:
                    continue
                if ua > cur:
                    segments.append((cur, ua))
                cur = max(cur, ub)
            if cur < b:
                segments.append((cur, b))
        if theater.online:  # starts lie on the day: a segment beginning after it belongs to a later day
            segments = [(a, b) for a, b in segments if a < base_end(day)]
        return tuple(segments)

    def start_range(self, film: Film, theater: Theater, segment: Interval, day: int) -> Interval | None:
        """First and last minute (before the start grid) a screening of the film may start at in a free
        segment of a day, or None when it does not fit."""
        lo, hi = segment[0], min(segment[1] - self.occupancy(film, theater), base_end(day) - 1)
        return (lo, hi) if lo <= hi else None

    def value(self, film: Film, theater: Theater, start: int) -> int:
        """Expected attendance of one screening: the spec's floor(x + 1e-9) capped at seats."""
        d, m = divmod(start, DAY)
        x = film.popularity * self.weights.day_weight(d) * self.weights.hour_weight(m)
        return min(theater.seats, math.floor(x + 1e-9))


@dataclass(frozen=True)
class Shortfall:
    film: str
    missing: int
    reason: str


PHASES = ("first timetable", "bounding", "improving", "polishing", "done", "infeasible")


@dataclass(frozen=True)
class Progress:
    """One progress report: elapsed seconds, best valid objective so far, proven bound, relative gap, what
    the solver is doing (``phase``, one of ``PHASES``) and on which theaters (``formats``: the film formats
    of the part of the festival being worked on; empty for the whole)."""

    elapsed: float
    objective: int | None
    bound: int | None
    gap: float | None
    phase: str
    formats: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        """The phase in words: ``improving the dome theaters``, ``first timetable``."""
        if not self.formats:
            return self.phase
        labels = [format_label(f) for f in self.formats]
        what = labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"
        return f"{self.phase} the {what} theaters"


@dataclass(frozen=True)
class Schedule:
    status: str  # optimal | feasible | infeasible | unknown
    objective: int | None
    bound: int | None
    solve_seconds: float
    screenings: tuple[Screening, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()
    conflicts: tuple[str, ...] = ()
    version: int = 1  # of the schedule format written (the instance's)


def relative_gap(objective: int | None, bound: int | None) -> float | None:
    """(bound - objective) / max(1, |bound|), or None when either is unknown."""
    if objective is None or bound is None:
        return None
    return max(0.0, (bound - objective) / max(1.0, abs(bound)))
