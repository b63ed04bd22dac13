"""Reads of the public programme: only the published timetable version, never a draft."""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict

from festival import localtime, params
from festival.editions import current_edition
from festival.events import queries as events
from festival.extensions import db
from festival.models import (
    Edition,
    Entry,
    EntryImage,
    Event,
    Screening,
    ShortsProgramme,
    ShortsProgrammeEntry,
    Theater,
    TimetableVersion,
)
from festival.models.enums import (
    PUBLIC_EVENT_KINDS,
    Audience,
    EditionStatus,
    EntryStatus,
    FilmFormat,
    ImageKind,
    VersionStatus,
)
from festival.programme.caching import cached, for_a_while
from festival.schedule import adapter
from festival.schedule.grid import screening_days


def public_programme(slug: str | None) -> tuple[Edition | None, TimetableVersion | None]:
    """The edition named by ``slug`` (else the site's current one) and its published version.

    Both come in one round trip, with the stamp of the edition's events (``events_stamp``); a named
    edition also becomes the header's edition."""
    current = None
    if not slug:
        current = current_edition()
        if current is None:
            return None, None
        slug = current.slug
    row = db.session.execute(_programme_statement(), {"slug": slug}).first()
    if row is None:
        return current, None
    found, version, count, latest = row
    if has_request_context():
        if current is None:
            g.current_edition = found  # the header names the edition shown, with no query of its own
        stamp = (count, latest.isoformat() if latest is not None else "")
        g.setdefault("events_stamps", {})[found.id] = stamp
    return found, version


def events_stamp(edition: Edition) -> tuple:
    """The stamp of the edition's events that the public pages' caches follow (events change without a
    publication): read with the edition by ``public_programme``, else asked now."""
    if has_request_context() and edition.id in g.get("events_stamps", {}):
        return g.events_stamps[edition.id]
    return events.events_stamp(edition)


def _latest_published() -> sa.ScalarSelect:
    """The id of the edition's public version (its latest published one), correlated to Edition."""
    return (
        sa.select(TimetableVersion.id)
        .where(TimetableVersion.edition_id == Edition.id, TimetableVersion.status == VersionStatus.PUBLISHED)
        .order_by(TimetableVersion.number.desc(), TimetableVersion.id.desc())
        .limit(1)
        .correlate(Edition)
        .scalar_subquery()
    )


@functools.cache
def _programme_statement() -> sa.Select:
    # built once: constructing this statement costs more than running it on a busy public page
    of_edition = Event.edition_id == Edition.id
    count = sa.select(sa.func.count(Event.id)).where(of_edition).correlate(Edition).scalar_subquery()
    latest = sa.select(sa.func.max(Event.updated_at)).where(of_edition).correlate(Edition).scalar_subquery()
    return (
        sa.select(Edition, TimetableVersion, count, latest)
        .outerjoin(TimetableVersion, TimetableVersion.id == _latest_published())
        .where(Edition.slug == sa.bindparam("slug"), Edition.status != EditionStatus.DRAFT)
    )


@functools.cache
def _published_editions_statement() -> sa.Select:
    return (
        sa.select(Edition, TimetableVersion)
        .join(TimetableVersion, TimetableVersion.id == _latest_published())
        .where(Edition.status != EditionStatus.DRAFT)
        .order_by(Edition.first_day.desc(), Edition.id.desc())
    )


def published_editions() -> list[tuple[Edition, TimetableVersion]]:
    """Every edition with a published programme and its public version, newest first (one query)."""
    return [(row[0], row[1]) for row in db.session.execute(_published_editions_statement())]


EDITIONS_ON_OFFER_SECONDS = 10.0


def editions_on_offer() -> tuple[tuple[str, str, str | None], ...]:
    """(slug, name, Chinese name) of the editions with a published programme, for the programme's
    edition switcher. Every public page shows it, so each process keeps it for
    EDITIONS_ON_OFFER_SECONDS instead of asking for it on every page (a new publication appears in
    the switcher within that time)."""
    return for_a_while(
        "editions_on_offer",
        EDITIONS_ON_OFFER_SECONDS,
        lambda: tuple((e.slug, e.name, e.name_zh) for e, _version in published_editions()),
    )


def published(edition: Edition | None) -> TimetableVersion | None:
    """The edition's public timetable version, if one is published."""
    return adapter.latest_published(edition) if edition is not None else None


SCREENING = "screening"
# what the programme's kind filter offers: screenings, then the kinds of public events
ITEM_KINDS = (SCREENING, *(k.value for k in PUBLIC_EVENT_KINDS))


@dataclass(frozen=True)
class Filters:
    """The visitor's filters; unknown values are ignored rather than refused."""

    format: str | None = None
    theater: int | None = None
    audience: str | None = None
    kind: str | None = None  # "screening", or an event's kind ("forum", "talk", ...)
    city: str | None = None  # a city key of the edition's venues

    @classmethod
    def from_args(
        cls, args: MultiDict, theater_ids: Collection[int], cities: Collection[str] = ()
    ) -> Filters:
        fmt = args.get("format")
        audience = args.get("audience")
        kind = args.get("kind")
        city = args.get("city")
        theater = params.record_id(args.get("theater"))
        return cls(
            format=fmt if fmt in {f.value for f in FilmFormat} else None,
            theater=theater if theater in theater_ids else None,
            audience=audience if audience in {a.value for a in Audience} else None,
            kind=kind if kind in ITEM_KINDS else None,
            city=city if city in cities else None,
        )

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.format, self.theater, self.audience, self.kind, self.city))

    def args(self) -> dict:
        """The filters as query arguments (for links that keep them)."""
        pairs = (
            ("format", self.format),
            ("theater", self.theater),
            ("audience", self.audience),
            ("kind", self.kind),
            ("city", self.city),
        )
        return {k: v for k, v in pairs if v}

    def keep(self, screening: Screening) -> bool:
        e = screening.item  # a film, or a shorts programme (its films' format and audiences)
        if self.kind and self.kind != SCREENING:
            return False
        if self.format and (e.format is None or e.format.value != self.format):
            return False
        if self.theater and screening.theater_id != self.theater:
            return False
        if self.city and screening.theater.venue.city != self.city:
            return False
        return not (self.audience and self.audience not in (e.audiences or []))

    def keep_event(self, event: Event) -> bool:
        """An event passes when no film format is asked for, its kind (if asked), theater and city match,
        and it is for everyone or for the audience asked."""
        if self.format or (self.kind and self.kind != event.kind.value):
            return False
        if self.theater and event.theater_id != self.theater:
            return False
        if self.city and (event.theater is None or event.theater.venue.city != self.city):
            return False
        return not (self.audience and event.audience is not None and event.audience.value != self.audience)


def _screenings(version: TimetableVersion):
    """The public screenings of a version: of accepted films, and of shorts programmes (which list their
    accepted films only, ``public_films``)."""
    return (
        sa.select(Screening)
        .outerjoin(Entry, Entry.id == Screening.entry_id)
        .where(
            Screening.timetable_id == version.id,
            sa.or_(Entry.status == EntryStatus.ACCEPTED, Screening.programme_id.is_not(None)),
        )
        .options(
            joinedload(Screening.entry),
            joinedload(Screening.theater).joinedload(Theater.venue),
            joinedload(Screening.programme)
            .selectinload(ShortsProgramme.entries)
            .joinedload(ShortsProgrammeEntry.entry),
        )
        .order_by(Screening.start, Screening.theater_id, Screening.id)
    )


def cities_of(theaters: Iterable[Theater]) -> list[str]:
    """The city keys of the theaters' venues, in the theaters' order, each once ('' left out)."""
    return list(dict.fromkeys(t.venue.city for t in theaters if t.venue.city))


def film_cities(screenings: Iterable[Screening]) -> list[str]:
    """The city keys a film's screenings visit, in the order of its first screening in each."""
    return cities_of(s.theater for s in screenings)


def public_films(screening: Screening) -> list[Entry]:
    """The accepted films a public screening shows (a shorts programme's in their order)."""
    return [e for e in screening.films if e.status == EntryStatus.ACCEPTED]


def day_screenings(
    version: TimetableVersion, edition: Edition, day: date, filters: Filters
) -> list[Screening]:
    """The published screenings of one local day that pass the filters (films and theaters loaded)."""
    start, end = localtime.day_range(day, day, edition)
    stmt = _screenings(version).where(Screening.start >= start, Screening.start < end)
    if filters.theater:
        stmt = stmt.where(Screening.theater_id == filters.theater)
    if filters.format:
        stmt = stmt.where(
            sa.or_(Entry.format == FilmFormat(filters.format), Screening.programme_id.is_not(None))
        )
    return [s for s in db.session.scalars(stmt) if filters.keep(s)]


def day_events(edition: Edition, day: date, filters: Filters) -> list[Event]:
    """The public events starting on one local day that pass the filters."""
    start, end = localtime.day_range(day, day, edition)
    return [e for e in events.public_events(edition, start=start, end=end) if filters.keep_event(e)]


def all_screenings(version: TimetableVersion) -> list[Screening]:
    """Every public screening of the version."""
    return list(db.session.scalars(_screenings(version)))


def programme_days(version: TimetableVersion) -> dict[date, int]:
    """Screenings per local day of the published version."""
    return screening_days(version)


def default_day(edition: Edition, days: dict[date, int], today: date | None = None) -> date:
    """Today when it has screenings, else the next day that does, else the first programme day."""
    if not days:
        return edition.first_day
    today = today or localtime.today(edition)
    upcoming = [d for d in days if d >= today]
    return min(upcoming) if upcoming else min(days)


def film_in_programme(entry_id: int, slug: str | None = None) -> tuple[Entry, TimetableVersion] | None:
    """An accepted film with its edition's published version when it is screened there, or None:
    a film that is not accepted, or not in a published programme (of the edition ``slug`` when
    given), has no public page. The film's edition becomes the header's edition."""
    entry = db.session.get(Entry, entry_id, options=[joinedload(Entry.edition)])
    if entry is None or entry.status != EntryStatus.ACCEPTED:
        return None
    if slug is not None and entry.edition.slug != slug:
        return None
    version = published(entry.edition)
    if version is None or entry.id not in programme_films(version):
        return None
    if has_request_context():
        g.current_edition = entry.edition
    return entry, version


def programme_films(version: TimetableVersion) -> frozenset[int]:
    """The ids of the accepted films screened in a published version, alone or in a shorts programme
    (kept per version)."""
    film = sa.func.coalesce(Screening.entry_id, ShortsProgrammeEntry.entry_id)
    stmt = (
        sa.select(film)
        .outerjoin(ShortsProgrammeEntry, ShortsProgrammeEntry.programme_id == Screening.programme_id)
        .join(Entry, Entry.id == film)
        .where(Screening.timetable_id == version.id, Entry.status == EntryStatus.ACCEPTED)
        .distinct()
    )
    return cached(version, ("films",), lambda: frozenset(db.session.scalars(stmt)))


def films_with_a_poster(entry_ids: Iterable[int]) -> set[int]:
    """Which of these films have a poster (one query)."""
    stmt = sa.select(EntryImage.entry_id).where(
        EntryImage.entry_id.in_(list(entry_ids)), EntryImage.kind == ImageKind.POSTER
    )
    return set(db.session.scalars(stmt))


def film_screenings(version: TimetableVersion, entry: Entry) -> list[Screening]:
    """The film's public screenings in the version, in order: its own and its shorts programme's."""
    return list(db.session.scalars(_screenings(version).where(Screening.showing([entry.id]))))


def public_shorts(
    programme_id: int, slug: str | None = None
) -> tuple[ShortsProgramme, TimetableVersion, list[Screening]] | None:
    """A shorts programme screened in its edition's published version (of the edition ``slug`` when
    given), with the version and its screenings, or None: a programme without public screenings has no
    public page. The programme's edition becomes the header's edition."""
    programme = db.session.get(ShortsProgramme, programme_id)
    if programme is None or (slug is not None and programme.edition.slug != slug):
        return None
    version = published(programme.edition)
    if version is None:
        return None
    screenings = list(db.session.scalars(_screenings(version).where(Screening.programme_id == programme.id)))
    if not screenings:
        return None
    if has_request_context():
        g.current_edition = programme.edition
    return programme, version, screenings


def public_film(
    entry_id: int, slug: str | None = None
) -> tuple[Entry, TimetableVersion, list[Screening]] | None:
    """A film of the published programme with its version and screenings (see film_in_programme)."""
    found = film_in_programme(entry_id, slug)
    if found is None:
        return None
    entry, version = found
    return entry, version, film_screenings(version, entry)


def public_screening(screening_id: int, slug: str | None = None) -> tuple[Screening, TimetableVersion] | None:
    """A screening of an accepted film in its edition's published version (of the edition ``slug``
    when given), or None."""
    screening = db.session.get(Screening, screening_id)
    if screening is None:
        return None
    edition = db.session.get(Edition, screening.timetable.edition_id)
    if slug is not None and edition.slug != slug:
        return None
    version = published(edition)
    if version is None or version.id != screening.timetable_id:
        return None
    found = db.session.scalar(_screenings(version).where(Screening.id == screening_id))
    return (found, version) if found is not None else None


def week_of(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def group_days(days: dict[date, int]) -> list[tuple[date, list[tuple[date, int]]]]:
    """Programme days grouped by week (for the day strip)."""
    weeks: dict[date, list[tuple[date, int]]] = {}
    for d in sorted(days):
        weeks.setdefault(week_of(d), []).append((d, days[d]))
    return sorted(weeks.items())
