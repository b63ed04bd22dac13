"""Read models of a timetable version: the day grid, the overview heat map, lists and totals.

Nothing here writes. Times are shown in the edition's timezone; the grid is positioned with CSS
classes (``rs-N`` row start, ``rspan-N`` row span, ``c-N`` column: see static/css/timetable.css)
because the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

import scheduler
from festival import localtime, paging
from festival.extensions import db
from festival.labels import event_title
from festival.models import (
    Decision,
    Edition,
    Entry,
    Screening,
    ShortsProgramme,
    ShortsProgrammeEntry,
    Theater,
    TimetableVersion,
)
from festival.models.enums import EntryStatus
from festival.schedule import adapter
from festival.schedule.adapter import edition_theaters
from scheduler import DAY

SLOT_MINUTES = 5
MAX_ROWS = 24 * 60 // SLOT_MINUTES
HEAT_LEVELS = 10


# ---------------------------------------------------------------- time helpers


def minute_of_day(edition: Edition, moment: datetime) -> int:
    """Minutes after local midnight of an aware instant."""
    local = localtime.to_local(moment, edition)
    return local.hour * 60 + local.minute


def festival_days(edition: Edition) -> list[date]:
    """Every day of the edition's screening window."""
    return [
        edition.first_day + timedelta(days=i) for i in range((edition.last_day - edition.first_day).days + 1)
    ]


class Calendar:
    """When each theater of an edition is open and free, from the solver's own reading of the venue
    hours, closed dates, special hours and blocks (so the grid shows exactly what the rules check)."""

    def __init__(self, edition: Edition, theaters: Sequence[Theater]):
        self.ids = adapter.theater_ids(theaters)
        data = adapter.build_instance(edition, keep_pins=False)
        data.update(films=[], fixed=[], previous=[])
        try:
            self.instance: scheduler.Instance | None = adapter.parse(data)
        except adapter.InstanceBuildError:
            self.instance = None  # malformed venue data: show the grid without opening hours

    def _theater(self, theater: Theater) -> scheduler.Theater | None:
        if self.instance is None:
            return None
        return self.instance.theater_by_id.get(self.ids.get(theater.id, ""))

    def opening(self, theater: Theater, day: date) -> list[tuple[int, int]]:
        """Opening intervals of the theater's venue on a day, in minutes of day."""
        t = self._theater(theater)
        if t is None:
            return []
        return list(self.instance.venue_by_id[t.venue].opening(day.toordinal()))

    def free(self, theater: Theater, day: date) -> list[tuple[int, int]]:
        """Minutes of day when the theater is open and not blocked."""
        t = self._theater(theater)
        if t is None:
            return []
        base = day.toordinal() * DAY
        return [(a - base, b - base) for a, b in self.instance.free_segments(t, day.toordinal())]


# ---------------------------------------------------------------- loading


def version_screenings(
    version: TimetableVersion, *, start: datetime | None = None, end: datetime | None = None
) -> list[Screening]:
    """A version's screenings (optionally within [start, end)), with film (or shorts programme and its
    films) and theater loaded."""
    stmt = (
        sa.select(Screening)
        .where(Screening.timetable_id == version.id)
        .options(
            joinedload(Screening.entry),
            joinedload(Screening.theater),
            joinedload(Screening.programme)
            .selectinload(ShortsProgramme.entries)
            .joinedload(ShortsProgrammeEntry.entry),
        )
        .order_by(Screening.start, Screening.theater_id, Screening.id)
    )
    if start is not None:
        stmt = stmt.where(Screening.start >= start)
    if end is not None:
        stmt = stmt.where(Screening.start < end)
    return list(db.session.scalars(stmt))


def screening_days(version: TimetableVersion) -> dict[date, int]:
    """How many screenings the version has on each local day."""
    edition = db.session.get(Edition, version.edition_id)
    starts = db.session.scalars(sa.select(Screening.start).where(Screening.timetable_id == version.id))
    counts: dict[date, int] = defaultdict(int)
    for moment in starts:
        counts[localtime.local_day(moment, edition)] += 1
    return dict(counts)


# ---------------------------------------------------------------- the day grid


@dataclass(frozen=True)
class GridItem:
    """Something placed on the day grid: a screening, a block or a closed period."""

    kind: str  # screening | block | closed
    column: int
    row: int
    span: int
    label: str = ""
    screening: Screening | None = None
    start: datetime | None = None
    end: datetime | None = None

    @property
    def css(self) -> str:
        classes = [self.kind, f"c-{self.column}", f"rs-{self.row}", f"rspan-{self.span}"]
        if self.screening is not None:
            classes.append(f"fmt-{self.screening.item.format or 'none'}")
            if self.screening.pinned:
                classes.append("pinned")
            if self.span <= 6:
                classes.append("short")
        return " ".join(classes)


@dataclass
class DayGrid:
    day: date
    theaters: list[Theater]
    first_minute: int
    last_minute: int
    items: list[GridItem]
    hours: list[tuple[str, int, int]]  # label, row, span
    days: dict[date, int]
    attendance: int = 0
    open_theaters: int = 0

    @property
    def columns_css(self) -> str:
        return f"cols-{len(self.theaters)}"

    @property
    def slot_minutes(self) -> int:
        return SLOT_MINUTES

    @property
    def rows_css(self) -> str:
        return f"rows-{(self.last_minute - self.first_minute) // SLOT_MINUTES}"

    @property
    def screenings(self) -> list[Screening]:
        return [i.screening for i in self.items if i.screening is not None]

    def neighbour(self, step: int) -> date | None:
        """The previous (-1) or next (+1) day with screenings, if any."""
        days = sorted(self.days)
        later = [d for d in days if (d - self.day).days * step > 0]
        if not later:
            return None
        return later[0] if step > 0 else later[-1]


def _row(first_minute: int, minute: int) -> int:
    return 2 + (minute - first_minute) // SLOT_MINUTES


def _span(first: int, last: int) -> int:
    return max(1, min(MAX_ROWS, math.ceil((last - first) / SLOT_MINUTES)))


def day_grid(version: TimetableVersion, day: date) -> DayGrid:
    """One day of a version laid out as theaters (columns) by time (5-minute rows)."""
    edition = db.session.get(Edition, version.edition_id)
    theaters = edition_theaters(edition)
    start, end = localtime.day_range(day, day, edition)
    screenings = version_screenings(version, start=start, end=end)
    calendar = Calendar(edition, theaters)
    free = {t.id: calendar.free(t, day) for t in theaters}
    opening = {t.id: calendar.opening(t, day) for t in theaters}
    spans = [iv for ivs in opening.values() for iv in ivs]
    for s in screenings:
        lo = minute_of_day(edition, s.start)
        spans.append((lo, lo + int((s.end - s.start).total_seconds() // 60)))
    first = min((a for a, _ in spans), default=9 * 60)
    last = max((b for _, b in spans), default=17 * 60)
    first, last = (first // 60) * 60, min(24 * 60, -(-last // 60) * 60)
    column = {t.id: i + 2 for i, t in enumerate(theaters)}
    items: list[GridItem] = []
    for t in theaters:
        items.extend(_closed_items(column[t.id], first, last, opening[t.id]))
        items.extend(_block_items(edition, t, column[t.id], day, first, last))
    for s in screenings:
        if s.theater_id not in column:
            continue
        lo = max(first, minute_of_day(edition, s.start))
        hi = min(last, lo + int((s.end - s.start).total_seconds() // 60))
        items.append(
            GridItem(
                "screening", column[s.theater_id], _row(first, lo), _span(lo, hi),
                screening=s, start=s.start, end=s.end,
            )
        )  # fmt: skip
    hours = [
        (f"{m // 60:02d}:00", _row(first, m), min(60, last - m) // SLOT_MINUTES)
        for m in range(first, last, 60)
    ]
    return DayGrid(
        day=day,
        theaters=theaters,
        first_minute=first,
        last_minute=last,
        items=items,
        hours=hours,
        days=screening_days(version),
        attendance=sum(s.expected_attendance for s in screenings),
        open_theaters=sum(1 for t in theaters if free[t.id]),
    )


def _closed_items(column: int, first: int, last: int, opening: Sequence[tuple[int, int]]) -> list[GridItem]:
    out, cur = [], first
    for a, b in sorted(opening):
        if a > cur:
            out.append(GridItem("closed", column, _row(first, cur), _span(cur, a)))
        cur = max(cur, b)
    if cur < last:
        out.append(GridItem("closed", column, _row(first, cur), _span(cur, last)))
    return out


def _block_items(
    edition: Edition, theater: Theater, column: int, day: date, first: int, last: int
) -> list[GridItem]:
    out = []
    day_start = localtime.day_start(day, edition)
    for event in adapter.placed_events(theater):
        lo = int((event.start - day_start).total_seconds() // 60)
        hi = int((event.end - day_start).total_seconds() // 60)
        lo, hi = max(lo, first), min(hi, last)
        if hi <= lo:
            continue
        label = event_title(event)
        out.append(
            GridItem(
                "block", column, _row(first, lo), _span(lo, hi), label=label, start=event.start, end=event.end
            )
        )
    return out


# ---------------------------------------------------------------- overview and totals


@dataclass
class TheaterDay:
    booked: int = 0  # minutes of screenings
    free: int = 0  # minutes open and not blocked
    screenings: int = 0
    attendance: int = 0

    @property
    def utilisation(self) -> float:
        return self.booked / self.free if self.free else 0.0

    @property
    def level(self) -> int:
        """Heat level 0..HEAT_LEVELS (-1 when the theater is closed that day)."""
        if not self.free:
            return -1
        return min(HEAT_LEVELS, round(self.utilisation * HEAT_LEVELS))


@dataclass(frozen=True)
class Booked:
    """What the totals need of a screening (read as plain columns: a version has thousands)."""

    theater_id: int
    start: datetime
    minutes: int
    attendance: int
    format: str


@dataclass
class Usage:
    """Per theater and day: minutes booked and free, screenings and expected attendance."""

    edition: Edition
    theaters: list[Theater]
    days: list[date]
    cells: dict[tuple[int, date], TheaterDay] = field(default_factory=dict)
    screenings: list[Booked] = field(default_factory=list)

    def cell(self, theater: Theater, day: date) -> TheaterDay:
        return self.cells[(theater.id, day)]

    def day_total(self, day: date) -> TheaterDay:
        return _sum(self.cells[(t.id, day)] for t in self.theaters)


def _sum(items: Iterable[TheaterDay]) -> TheaterDay:
    total = TheaterDay()
    for c in items:
        total.booked += c.booked
        total.free += c.free
        total.screenings += c.screenings
        total.attendance += c.attendance
    return total


def usage(version: TimetableVersion) -> Usage:
    """Theater use of every day of the window (the heat map and the totals are built on it)."""
    edition = db.session.get(Edition, version.edition_id)
    theaters = edition_theaters(edition)
    days = festival_days(edition)
    calendar = Calendar(edition, theaters)
    cells = {
        (t.id, d): TheaterDay(free=sum(b - a for a, b in calendar.free(t, d))) for t in theaters for d in days
    }
    booked = [
        Booked(
            s.theater_id,
            s.start,
            int((s.end - s.start).total_seconds() // 60),
            s.expected_attendance,
            s.item.format.value if s.item.format else "",
        )
        for s in version_screenings(version)
    ]
    for b in booked:
        cell = cells.get((b.theater_id, localtime.local_day(b.start, edition)))
        if cell is None:
            continue
        cell.booked += b.minutes
        cell.screenings += 1
        cell.attendance += b.attendance
    return Usage(edition, theaters, days, cells, booked)


@dataclass(frozen=True)
class Total:
    key: str
    label: str
    screenings: int
    booked: int
    free: int
    attendance: int

    @property
    def utilisation(self) -> float:
        return self.booked / self.free if self.free else 0.0


@dataclass
class Totals:
    by_theater: list[Total]
    by_format: list[Total]
    by_week: list[Total]
    overall: Total


def totals(use: Usage, *, theater_label, format_label) -> Totals:
    """Utilisation and expected attendance by theater, format and week.

    ``theater_label(theater)`` and ``format_label(code)`` give display names (localised by the caller).
    Free time is a theater's, so formats carry only screenings, minutes and attendance.
    """
    by_theater = []
    for t in use.theaters:
        c = _sum(use.cell(t, d) for d in use.days)
        by_theater.append(Total(str(t.id), theater_label(t), c.screenings, c.booked, c.free, c.attendance))
    fmt: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for b in use.screenings:
        row = fmt[b.format]
        row[0] += 1
        row[1] += b.minutes
        row[2] += b.attendance
    by_format = [Total(k, format_label(k), n, m, 0, a) for k, (n, m, a) in sorted(fmt.items())]
    weeks: dict[date, list[date]] = defaultdict(list)
    for d in use.days:
        weeks[d - timedelta(days=d.weekday())].append(d)
    by_week = []
    for monday, ds in sorted(weeks.items()):
        c = _sum(use.day_total(d) for d in ds)
        label = f"{ds[0].isoformat()} – {ds[-1].isoformat()}"
        by_week.append(Total(monday.isoformat(), label, c.screenings, c.booked, c.free, c.attendance))
    c = _sum(use.cells.values())
    return Totals(
        by_theater, by_format, by_week, Total("all", "", c.screenings, c.booked, c.free, c.attendance)
    )


# ---------------------------------------------------------------- per-film and per-theater lists


@dataclass
class FilmLine:
    entry: Entry
    decision: Decision | None
    screenings: list[Screening]

    @property
    def count(self) -> int:
        return len(self.screenings)

    @property
    def status(self) -> str:
        """ok | short | over | not_accepted"""
        if self.entry.status != EntryStatus.ACCEPTED or self.decision is None:
            return "not_accepted"
        if self.count < (self.decision.min_screenings or 0):
            return "short"
        if self.decision.max_screenings is not None and self.count > self.decision.max_screenings:
            return "over"
        return "ok"

    @property
    def attendance(self) -> int:
        return sum(s.expected_attendance for s in self.screenings)


def film_lines(version: TimetableVersion) -> list[FilmLine]:
    """Every accepted film of the edition and every film in the version, with its screenings."""
    screenings = version_screenings(version)
    by_entry: dict[int, list[Screening]] = defaultdict(list)
    for s in screenings:
        for film in s.films:  # a shorts programme's screening counts for each of its films
            by_entry[film.id].append(s)
    stmt = (
        sa.select(Entry, Decision)
        .outerjoin(Decision, Decision.entry_id == Entry.id)
        .where(
            Entry.edition_id == version.edition_id,
            sa.or_(Entry.status == EntryStatus.ACCEPTED, Entry.id.in_(list(by_entry) or [-1])),
        )
    )
    lines = [FilmLine(e, d, by_entry.get(e.id, [])) for e, d in db.session.execute(stmt)]
    lines.sort(key=lambda line: (line.entry.format or "", line.entry.display_title.casefold()))
    return lines


FILM_STATUSES = ("short", "over", "not_accepted", "ok")


def select_film_lines(
    lines: list[FilmLine], *, query: str = "", status: str = "", fmt: str = ""
) -> list[FilmLine]:
    """The lines whose film matches every word of ``query`` (titles, reference), with the ``status``
    (``FILM_STATUSES``) and format asked for; an empty or unknown filter keeps every line."""

    def keep(line: FilmLine) -> bool:
        e = line.entry
        if status in FILM_STATUSES and line.status != status:
            return False
        if fmt and (e.format is None or e.format.value != fmt):
            return False
        return paging.matches(query, (e.display_title, e.title_zh, e.title_original, e.reference))

    return [line for line in lines if keep(line)]


@dataclass
class TheaterLine:
    theater: Theater
    days: list[tuple[date, list[Screening]]]

    @property
    def count(self) -> int:
        return sum(len(items) for _, items in self.days)


def theater_lines(version: TimetableVersion) -> list[TheaterLine]:
    """Each theater's screenings grouped by local day."""
    edition = db.session.get(Edition, version.edition_id)
    grouped: dict[int, dict[date, list[Screening]]] = defaultdict(lambda: defaultdict(list))
    for s in version_screenings(version):
        grouped[s.theater_id][localtime.local_day(s.start, edition)].append(s)
    return [TheaterLine(t, sorted(grouped[t.id].items())) for t in edition_theaters(edition)]
