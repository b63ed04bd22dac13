"""The only bridge between the database and the solver: rows <-> instance / schedule JSON.

Ids in an instance built here:

* films are ``e<entry.id>`` (``e12``), so a schedule maps back to entries without a lookup table;
* theaters are the theater's ``code`` (``dome``), or ``<venue code>-<theater code>`` when two venues
  of the edition use the same theater code, so the id is readable and unique within the edition;
* venues are the venue's ``code``.

Every time in the instance is local wall-clock time of the edition's timezone (``YYYY-MM-DDTHH:MM``);
the database keeps aware UTC instants.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

import scheduler
from festival import localtime, params
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Decision, Edition, Entry, Screening, Theater, TimetableVersion, Venue
from festival.models.enums import DecisionOutcome, EntryStatus, VersionStatus
from scheduler import DAY, INSTANCE_FORMAT, SCHEDULE_FORMAT, parse_time

if TYPE_CHECKING:
    from scheduler import Instance

FILM_PREFIX = "e"
# The cost of moving (or dropping) a published screening, in expected visitors, when the edition's demand
# settings name none: more than any theater of the demo seats, far below a film's missing minimum
# (``shortfall_penalty``), so a re-solve moves a published screening only to give a film its minimum or when
# a rule forces it, never for a few more visitors.
DEFAULT_MOVE_COST = 1000


class InstanceBuildError(InvalidInput):
    """The database holds something the solver rejects; ``messages`` lists the solver's messages."""

    default = _l(
        "The solver cannot use the data of this edition yet. Correct these values (venues, theaters, blocks "
        "or selection decisions) and try again:"
    )

    def __init__(self, messages: list[str]):
        super().__init__(self.default, errors={"": list(messages)})
        self.messages = list(messages)


class ScheduleMappingError(ValueError):
    """A schedule names a film or theater that the edition's database no longer has."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# ---------------------------------------------------------------- ids and times


def film_id(entry_id: int) -> str:
    """The instance id of an entry: ``e<entry.id>``."""
    return f"{FILM_PREFIX}{entry_id}"


def entry_id_of(film: str) -> int | None:
    """The entry id behind an instance film id, or None when it is not one of ours."""
    return params.record_id(film[len(FILM_PREFIX) :]) if film.startswith(FILM_PREFIX) else None


def edition_theaters(edition: Edition) -> list[Theater]:
    """The edition's theaters in display order (venue, position, id)."""
    stmt = (
        sa.select(Theater)
        .join(Venue, Theater.venue_id == Venue.id)
        .where(Venue.edition_id == edition.id)
        .options(selectinload(Theater.blocks), selectinload(Theater.venue))
        .order_by(Venue.id, Theater.position, Theater.id)
    )
    return list(db.session.scalars(stmt))


def theater_ids(theaters: Iterable[Theater]) -> dict[int, str]:
    """Map theater row id -> instance id (the code, prefixed by the venue's code when codes clash)."""
    theaters = list(theaters)
    counts: dict[str, int] = {}
    for t in theaters:
        counts[t.code] = counts.get(t.code, 0) + 1
    return {t.id: (t.code if counts[t.code] == 1 else f"{t.venue.code}-{t.code}") for t in theaters}


def theater_map(edition: Edition) -> dict[str, Theater]:
    """Map instance theater id -> Theater row for the edition."""
    theaters = edition_theaters(edition)
    ids = theater_ids(theaters)
    return {ids[t.id]: t for t in theaters}


def local_text(moment: datetime, edition: Edition, *, round_up: bool = False) -> str:
    """An aware instant as the edition's local wall-clock ``YYYY-MM-DDTHH:MM``.

    Seconds are dropped (or, with ``round_up``, rounded up to the next minute so that a block
    never shrinks)."""
    local = localtime.to_local(moment, edition)
    if round_up and (local.second or local.microsecond):
        local += timedelta(minutes=1)
    return local.strftime("%Y-%m-%dT%H:%M")


def aware_from_text(text: str, edition: Edition) -> datetime:
    """``YYYY-MM-DDTHH:MM`` (local wall-clock of the edition) as an aware datetime."""
    return localtime.from_local(datetime.strptime(text, "%Y-%m-%dT%H:%M"), edition)


def aware_from_minute(minute: int, edition: Edition) -> datetime:
    """An absolute scheduler minute as an aware datetime in the edition's timezone."""
    day, m = divmod(minute, DAY)
    d = date.fromordinal(day)
    return localtime.from_local(datetime(d.year, d.month, d.day, m // 60, m % 60), edition)


# ---------------------------------------------------------------- reads


def accepted_entries(edition: Edition) -> list[tuple[Entry, Decision]]:
    """Entries of the edition accepted with an accepted decision, in entry order."""
    stmt = (
        sa.select(Entry, Decision)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(
            Entry.edition_id == edition.id,
            Entry.status == EntryStatus.ACCEPTED,
            Decision.outcome == DecisionOutcome.ACCEPTED,
        )
        .order_by(Entry.number, Entry.id)
    )
    return [(e, d) for e, d in db.session.execute(stmt)]


def latest_published(edition: Edition) -> TimetableVersion | None:
    """The edition's latest published timetable version, if any."""
    stmt = (
        sa.select(TimetableVersion)
        .where(TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.PUBLISHED)
        .order_by(TimetableVersion.number.desc(), TimetableVersion.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def current_draft(edition: Edition) -> TimetableVersion | None:
    """The edition's most recent draft, if any."""
    stmt = (
        sa.select(TimetableVersion)
        .where(TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.DRAFT)
        .order_by(TimetableVersion.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def pin_source(edition: Edition) -> TimetableVersion | None:
    """Where a run takes its pins from when none is chosen: the newest of the drafts and the public version
    (after a publication, the public version's pins; once a newer draft exists, that draft's)."""
    stmt = (
        sa.select(TimetableVersion)
        .where(
            TimetableVersion.edition_id == edition.id,
            TimetableVersion.status.in_((VersionStatus.DRAFT, VersionStatus.PUBLISHED)),
        )
        .order_by(TimetableVersion.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def move_cost(edition: Edition) -> int:
    """The cost of moving a published screening in a re-solve (the demand settings' ``change_penalty``,
    DEFAULT_MOVE_COST when they name none): a published screening moves only when that gains more."""
    value = (edition.schedule_weights or {}).get("change_penalty")
    return DEFAULT_MOVE_COST if value is None else value


def _weights(edition: Edition) -> dict:
    return {**(edition.schedule_weights or {}), "change_penalty": move_cost(edition)}


def _version_screenings(version: TimetableVersion | None, *, pinned_only: bool = False) -> list[Screening]:
    if version is None:
        return []
    stmt = sa.select(Screening).where(Screening.timetable_id == version.id)
    if pinned_only:
        stmt = stmt.where(Screening.pinned.is_(True))
    return list(db.session.scalars(stmt.order_by(Screening.start, Screening.id)))


# ---------------------------------------------------------------- instance


def _venue_json(venue: Venue) -> dict:
    return {
        "id": venue.code,
        "name": venue.name,
        "hours": dict(venue.hours or {}),
        "closed_dates": list(venue.closed_dates or []),
        "special_hours": dict(venue.special_hours or {}),
    }


def _theater_json(theater: Theater, tid: str, edition: Edition) -> dict:
    return {
        "id": tid,
        "venue": theater.venue.code,
        "name": theater.name,
        "seats": theater.seats,
        "formats": list(theater.formats or []),
        "features": list(theater.features or []),
        "changeover_minutes": theater.changeover_minutes,
        "start_step_minutes": theater.start_step_minutes,
        "unavailable": [
            {"start": local_text(b.start, edition), "end": local_text(b.end, edition, round_up=True)}
            for b in sorted(theater.blocks, key=lambda b: (b.start, b.end))
        ],
    }


def _film_json(entry: Entry, decision: Decision) -> dict:
    minimum = decision.min_screenings if decision.min_screenings is not None else 1
    return {
        "id": film_id(entry.id),
        "title": entry.display_title,
        "format": entry.format.value if entry.format is not None else None,
        "runtime_minutes": entry.runtime_minutes,
        "requires": list(decision.requires or []),
        "min_screenings": minimum,
        "max_screenings": decision.max_screenings if decision.max_screenings is not None else minimum,
        "max_per_day": decision.max_per_day,
        "copies": decision.copies,
        "popularity": decision.popularity or 0,
        "not_before": decision.not_before.isoformat() if decision.not_before else None,
        "not_after": decision.not_after.isoformat() if decision.not_after else None,
    }


def _screening_refs(screenings: Iterable[Screening], edition: Edition, tids: dict[int, str], films: set[str]):
    """Spec screenings of rows whose film and theater are in the instance (others are dropped)."""
    out, seen = [], set()
    for s in screenings:
        fid, tid = film_id(s.entry_id), tids.get(s.theater_id)
        if fid not in films or tid is None:
            continue
        item = {"film": fid, "theater": tid, "start": local_text(s.start, edition)}
        key = (item["film"], item["theater"], item["start"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def build_instance(
    edition: Edition, *, base_version: TimetableVersion | None = None, keep_pins: bool = True
) -> dict:
    """The edition's solver instance (``festival-schedule-instance/1``) as a JSON-ready dict.

    ``fixed`` holds the pinned screenings of ``base_version`` (default: ``pin_source``) when ``keep_pins``;
    ``previous`` holds the latest published version's screenings, which the solver keeps unless a move
    gains more than the move cost (``weights.change_penalty``, see ``move_cost``). Pins and previous
    screenings of films that are no longer accepted (or of deleted theaters) are left out."""
    venues = list(
        db.session.scalars(sa.select(Venue).where(Venue.edition_id == edition.id).order_by(Venue.id))
    )
    theaters = edition_theaters(edition)
    tids = theater_ids(theaters)
    films = [_film_json(e, d) for e, d in accepted_entries(edition)]
    film_ids = {f["id"] for f in films}
    fixed: list[dict] = []
    if keep_pins:
        source = base_version if base_version is not None else pin_source(edition)
        fixed = _screening_refs(_version_screenings(source, pinned_only=True), edition, tids, film_ids)
    published = latest_published(edition)
    previous = _screening_refs(_version_screenings(published), edition, tids, film_ids)
    return {
        "format": INSTANCE_FORMAT,
        "festival": {
            "name": edition.name,
            "timezone": edition.timezone,
            "first_day": edition.first_day.isoformat(),
            "last_day": edition.last_day.isoformat(),
        },
        "venues": [_venue_json(v) for v in venues],
        "theaters": [_theater_json(t, tids[t.id], edition) for t in theaters],
        "films": films,
        "fixed": fixed,
        "previous": previous,
        "weights": _weights(edition),
    }


def parse(data: dict) -> Instance:
    """Parse an instance dict with the solver's reader; raises InstanceBuildError with its messages."""
    try:
        return scheduler.parse_instance(data)
    except scheduler.InstanceError as exc:
        raise InstanceBuildError(list(exc.errors)) from None


def instance_for(
    edition: Edition, *, base_version: TimetableVersion | None = None, keep_pins: bool = True
) -> tuple[dict, Instance]:
    """build_instance() plus the parsed Instance; raises InstanceBuildError when the solver rejects it."""
    data = build_instance(edition, base_version=base_version, keep_pins=keep_pins)
    return data, parse(data)


# ---------------------------------------------------------------- schedule -> rows


@dataclass(frozen=True)
class _Lookup:
    theaters: dict[str, Theater]
    entries: dict[int, Entry]


def _lookup(edition: Edition, screenings: Sequence[dict]) -> _Lookup:
    wanted = {entry_id_of(s.get("film", "")) for s in screenings} - {None}
    entries = {}
    if wanted:
        stmt = sa.select(Entry).where(Entry.edition_id == edition.id, Entry.id.in_(wanted))
        entries = {e.id: e for e in db.session.scalars(stmt)}
    return _Lookup(theater_map(edition), entries)


def screenings_from_schedule(
    edition: Edition, schedule_json: dict, *, instance: dict | Instance | None = None
) -> list[dict]:
    """Row values for a schedule's screenings: entry_id, theater_id, aware start/end, pinned and
    expected_attendance (the objective's value of the screening).

    ``instance`` is the instance the schedule was solved for (dict or parsed); by default it is built
    from the database. Raises ScheduleMappingError for unknown films/theaters and InstanceBuildError
    when the instance does not parse."""
    if instance is None:
        instance = build_instance(edition)
    parsed = instance if isinstance(instance, scheduler.Instance) else parse(instance)
    raw = list(schedule_json.get("screenings") or [])
    look = _lookup(edition, raw)
    fixed = {p.key for p in parsed.fixed}
    rows, errors = [], []
    for i, item in enumerate(raw):
        fid, tid = item.get("film", ""), item.get("theater", "")
        try:
            minute = parse_time(item.get("start"))
        except ValueError as exc:
            errors.append(f"screenings[{i}].start: {exc}")
            continue
        eid = entry_id_of(fid)
        entry = look.entries.get(eid) if eid is not None else None
        theater = look.theaters.get(tid)
        film = parsed.film_by_id.get(fid)
        itheater = parsed.theater_by_id.get(tid)
        if entry is None or film is None:
            errors.append(f"screenings[{i}].film: unknown film {fid!r}")
        if theater is None or itheater is None:
            errors.append(f"screenings[{i}].theater: unknown theater {tid!r}")
        if entry is None or theater is None or film is None or itheater is None:
            continue
        start = aware_from_minute(minute, edition)
        rows.append(
            {
                "entry_id": entry.id,
                "theater_id": theater.id,
                "start": start,
                "end": start + timedelta(minutes=film.runtime),
                "pinned": (fid, tid, minute) in fixed,
                "expected_attendance": parsed.value(film, itheater, minute),
            }
        )
    if errors:
        raise ScheduleMappingError(errors)
    return rows


def apply_schedule(
    edition: Edition,
    schedule_json: dict,
    *,
    version: TimetableVersion,
    instance: dict | Instance | None = None,
) -> list[Screening]:
    """Add a schedule's screenings as Screening rows of a draft version (flushes, never commits).

    Raises ValueError when the version is not a draft of this edition, plus the errors of
    screenings_from_schedule()."""
    if version.edition_id != edition.id or version.status != VersionStatus.DRAFT:
        raise ValueError("screenings can only be written into a draft version of the same edition")
    values = screenings_from_schedule(edition, schedule_json, instance=instance)
    rows = [Screening(timetable_id=version.id, **v) for v in values]
    db.session.add_all(rows)
    db.session.flush()
    return rows


# ---------------------------------------------------------------- rows -> schedule


def screenings_to_schedule(version: TimetableVersion) -> list[dict]:
    """A version's screenings as spec screenings ``{film, theater, start}`` (ids as in build_instance)."""
    edition = db.session.get(Edition, version.edition_id)
    tids = theater_ids(edition_theaters(edition))
    out = []
    for s in _version_screenings(version):
        out.append(
            {
                "film": film_id(s.entry_id),
                "theater": tids.get(s.theater_id, f"#{s.theater_id}"),
                "start": local_text(s.start, edition),
            }
        )
    return out


def schedule_json_of(version: TimetableVersion) -> dict:
    """A version as a minimal ``festival-schedule/1`` object (for checks and downloads)."""
    return {"format": SCHEDULE_FORMAT, "status": "feasible", "screenings": screenings_to_schedule(version)}


def check_version(version: TimetableVersion, *, instance: dict | Instance | None = None) -> scheduler.Report:
    """Check a version's screenings with the solver's validator against the edition's instance.

    By default the instance is build_instance(edition, base_version=version): the version's own pins
    are ``fixed``. Raises InstanceBuildError when the database holds something the solver rejects."""
    edition = db.session.get(Edition, version.edition_id)
    if instance is None:
        instance = build_instance(edition, base_version=version)
    parsed = instance if isinstance(instance, scheduler.Instance) else parse(instance)
    return scheduler.check_json(parsed, schedule_json_of(version))


def check_screenings_json(edition: Edition, screenings: list[dict], *, instance: Any = None):
    """Check a list of spec screenings (e.g. a version with a proposed edit) against an instance."""
    if instance is None:
        instance = build_instance(edition)
    parsed = instance if isinstance(instance, scheduler.Instance) else parse(instance)
    return scheduler.check_json(parsed, {"screenings": screenings})
