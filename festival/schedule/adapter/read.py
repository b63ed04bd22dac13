"""Instance and schedule -> rows: a schedule's screenings into a draft version, and a whole instance file
into an edition's venues, theaters, blocks, accepted films and pins (the demo and ``flask demo
import-instance``). The inverse of ``build``: every key of the format read here is one ``build`` writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

import scheduler
from festival import localtime
from festival.extensions import db
from festival.models import (
    Decision,
    Edition,
    Entry,
    Event,
    Screening,
    Theater,
    TimetableVersion,
    User,
    Venue,
)
from festival.models.enums import DecisionOutcome, EntryStatus, EventKind, FilmFormat, VersionStatus
from festival.schedule.adapter.build import build_instance
from festival.schedule.adapter.checks import parse
from festival.schedule.adapter.ids import aware_from_minute, aware_from_text, entry_id_of, theater_map
from scheduler import parse_time

IMPORTED_BLOCK_LABEL = "Scheduled maintenance"
IMPORTED_DRAFT_LABEL = "Pins"


class ScheduleMappingError(ValueError):
    """A schedule names a film or theater that the edition's database no longer has."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


# ---------------------------------------------------------------- a schedule into a draft


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
    edition: Edition, schedule_json: dict, *, instance: dict | scheduler.Instance | None = None
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
    instance: dict | scheduler.Instance | None = None,
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


# ---------------------------------------------------------------- an instance into an edition


def edition_values(data: Mapping) -> dict:
    """The Edition columns an instance gives: its festival's name, timezone and window, and its weights."""
    fest = data["festival"]
    return {
        "name": fest["name"],
        "timezone": fest.get("timezone") or localtime.DEFAULT_TIMEZONE,
        "first_day": date.fromisoformat(fest["first_day"]),
        "last_day": date.fromisoformat(fest["last_day"]),
        "schedule_weights": dict(data.get("weights") or {}),
    }


def default_deadline(edition: Edition) -> datetime:
    """The call of an imported edition closed when its screening window opened (local midnight)."""
    return localtime.from_local(datetime.combine(edition.first_day, time()), edition)


def import_instance(
    data: Mapping,
    edition: Edition,
    *,
    owner: User,
    entry_details: Callable[[int, Mapping], dict] | None = None,
    names_zh: Mapping[str, str] | None = None,
) -> dict[str, Entry]:
    """Rows for a (well-formed: parsed first) instance in ``edition``, which is added and has its deadline:
    venues with their theaters and blocks, each film an accepted entry of ``owner`` with a released
    decision, the pins a working draft. ``entry_details(number, film)`` gives an entry's other columns;
    ``names_zh`` the Chinese names of venues (by id) and theaters (``venue id/theater id``). Returns the
    entries by film id. Flushes, never commits."""
    names_zh = names_zh or {}
    theaters: dict[str, Theater] = {}
    for v in data["venues"]:
        venue = Venue(
            edition_id=edition.id,
            code=v["id"],
            name=v.get("name") or v["id"],
            name_zh=names_zh.get(v["id"]),
            hours=v.get("hours", {}),
            closed_dates=v.get("closed_dates", []),
            special_hours=v.get("special_hours", {}),
        )
        db.session.add(venue)
        for position, t in enumerate(x for x in data["theaters"] if x["venue"] == v["id"]):
            theater = Theater(
                code=t["id"],
                name=t.get("name") or t["id"],
                name_zh=names_zh.get(f"{v['id']}/{t['id']}"),
                seats=t["seats"],
                formats=t["formats"],
                features=t.get("features", []),
                changeover_minutes=t.get("changeover_minutes", 0),
                start_step_minutes=t.get("start_step_minutes", 5),
                position=position,
            )
            theater.events.extend(
                Event(
                    edition_id=edition.id,
                    kind=EventKind.MAINTENANCE,
                    title=IMPORTED_BLOCK_LABEL,
                    start=aware_from_text(block["start"], edition),
                    end=aware_from_text(block["end"], edition),
                )
                for block in t.get("unavailable", [])
            )
            venue.theaters.append(theater)
            theaters[t["id"]] = theater
    db.session.flush()
    entries = _import_films(data["films"], edition, owner, entry_details)
    _import_pins(data.get("fixed") or [], edition, entries, theaters)
    return entries


def _import_films(
    films: Sequence[Mapping], edition: Edition, owner: User, details: Callable[[int, Mapping], dict] | None
) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    submitted_at = edition.entry_deadline - timedelta(days=14)
    for number, film in enumerate(films, start=1):
        entry = Entry(
            edition_id=edition.id,
            owner_id=owner.id,
            number=number,
            reference=f"{edition.reference_prefix}-{number:04d}",
            status=EntryStatus.ACCEPTED,
            title_original=film.get("title") or film["id"],
            title_en=film.get("title") or film["id"],
            format=FilmFormat(film["format"]),
            runtime_minutes=film["runtime_minutes"],
            submitted_at=submitted_at,
            terms_accepted_at=submitted_at,
            **(details(number, film) if details else {}),
        )
        db.session.add(entry)
        db.session.flush()
        db.session.add(_decision(entry, film, released_at=edition.entry_deadline + timedelta(days=10)))
        entries[film["id"]] = entry
    return entries


def _decision(entry: Entry, film: Mapping, *, released_at: datetime) -> Decision:
    """The released acceptance a film of an instance stands for (the inverse of ``build.film_json``)."""
    minimum = film.get("min_screenings", 1)

    def day(key: str) -> date | None:
        return date.fromisoformat(film[key]) if film.get(key) else None

    return Decision(
        entry_id=entry.id,
        outcome=DecisionOutcome.ACCEPTED,
        min_screenings=minimum,
        max_screenings=film.get("max_screenings", minimum),
        max_per_day=film.get("max_per_day", 1),
        copies=film.get("copies", 1),
        requires=film.get("requires", []),
        popularity=film.get("popularity", 0),
        not_before=day("not_before"),
        not_after=day("not_after"),
        released_at=released_at,
    )


def _import_pins(
    pins: Sequence[Mapping], edition: Edition, entries: Mapping[str, Entry], theaters: Mapping[str, Theater]
) -> None:
    if not pins:
        return
    draft = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT, label=IMPORTED_DRAFT_LABEL)
    db.session.add(draft)
    db.session.flush()
    for pin in pins:
        entry = entries[pin["film"]]
        start = aware_from_text(pin["start"], edition)
        db.session.add(
            Screening(
                timetable_id=draft.id,
                entry_id=entry.id,
                theater_id=theaters[pin["theater"]].id,
                start=start,
                end=start + timedelta(minutes=entry.runtime_minutes),
                pinned=True,
            )
        )
