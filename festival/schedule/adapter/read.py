"""Instance and schedule -> rows: a schedule's screenings into a draft version, and a whole instance file
into an edition's venues, theaters, blocks, accepted films and pins (the demo and ``flask demo
import-instance``). The inverse of ``build``: every key of the format read here is one ``build`` writes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import scheduler
from festival import localtime
from festival.errors import InvalidInput
from festival.extensions import db
from festival.formtools import single_line, strip_invisible_characters
from festival.models import (
    Decision,
    Edition,
    Entry,
    Event,
    FilmPrint,
    Screening,
    ShortsProgramme,
    Theater,
    TimetableVersion,
    TransitDays,
    User,
    Venue,
)
from festival.models.enums import DecisionOutcome, EntryStatus, EventKind, FilmFormat, VersionStatus
from festival.models.venue import CODE_PATTERN, FEATURE_PATTERN
from festival.schedule.adapter.build import build_instance
from festival.schedule.adapter.checks import parse
from festival.schedule.adapter.ids import (
    aware_from_minute,
    aware_from_text,
    entry_id_of,
    programme_id_of,
    theater_map,
)
from scheduler import parse_time

# a film's id in an instance file: never stored (the entry's id replaces it), but shown in messages and
# used as a title when the file has none, so it is as plain as a code, with upper case, "." and ":" too
FILM_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}")
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
    programmes: dict[int, ShortsProgramme]

    def item(self, film: str) -> dict | None:
        """The row values naming what an instance film id shows (an entry or a shorts programme), or None
        when the edition has no such film."""
        eid, pid = entry_id_of(film), programme_id_of(film)
        if eid is not None and eid in self.entries:
            return {"entry_id": eid, "programme_id": None}
        if pid is not None and pid in self.programmes:
            return {"entry_id": None, "programme_id": pid}
        return None


def _rows_of(model, edition: Edition, wanted: set) -> dict:
    if not wanted:
        return {}
    stmt = sa.select(model).where(model.edition_id == edition.id, model.id.in_(wanted))
    return {row.id: row for row in db.session.scalars(stmt)}


def _lookup(edition: Edition, screenings: Sequence[dict]) -> _Lookup:
    films = [s.get("film", "") for s in screenings if isinstance(s.get("film", ""), str)]
    entries = _rows_of(Entry, edition, {entry_id_of(f) for f in films} - {None})
    programmes = _rows_of(ShortsProgramme, edition, {programme_id_of(f) for f in films} - {None})
    return _Lookup(theater_map(edition), entries, programmes)


def screenings_from_schedule(
    edition: Edition, schedule_json: dict, *, instance: dict | scheduler.Instance | None = None
) -> list[dict]:
    """Row values for a schedule's screenings: entry_id (or programme_id, for a shorts programme's
    ``p<id>``), theater_id, aware start/end (an online window's end for a channel), pinned,
    expected_attendance (the objective's value of the screening) and print_number (the print the solver
    chose, version 2).

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
        what = look.item(fid)  # the entry or the shorts programme the film id names
        theater = look.theaters.get(tid)
        film = parsed.film_by_id.get(fid)
        itheater = parsed.theater_by_id.get(tid)
        if what is None or film is None:
            errors.append(f"screenings[{i}].film: unknown film {fid!r}")
        if theater is None or itheater is None:
            errors.append(f"screenings[{i}].theater: unknown theater {tid!r}")
        if what is None or theater is None or film is None or itheater is None:
            continue
        start = aware_from_minute(minute, edition)
        number = item.get("print")
        rows.append(
            {
                **what,
                "theater_id": theater.id,
                "start": start,
                "end": start + timedelta(minutes=parsed.occupancy(film, itheater)),
                "pinned": (fid, tid, minute) in fixed,
                "expected_attendance": parsed.value(film, itheater, minute),
                "print_number": number if isinstance(number, int) and not isinstance(number, bool) else None,
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
    """Add a schedule's screenings as Screening rows of a draft (or a scenario's result) version (flushes,
    never commits).

    Raises ValueError when the version is not a draft or scenario version of this edition, plus the errors
    of screenings_from_schedule()."""
    writable = (VersionStatus.DRAFT, VersionStatus.SCENARIO)
    if version.edition_id != edition.id or version.status not in writable:
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
        "name": clean_name(fest["name"]),
        "timezone": fest.get("timezone") or localtime.DEFAULT_TIMEZONE,
        "first_day": date.fromisoformat(fest["first_day"]),
        "last_day": date.fromisoformat(fest["last_day"]),
        "schedule_weights": dict(data.get("weights") or {}),
    }


def default_deadline(edition: Edition) -> datetime:
    """The call of an imported edition closed when its screening window opened (local midnight)."""
    return localtime.from_local(datetime.combine(edition.first_day, time()), edition)


class InstanceImportError(InvalidInput):
    """An instance the solver's reader accepts but the database cannot hold as it is: an id outside the safe
    pattern of codes, a name longer than its column. ``errors`` maps each field's path to its messages."""

    default = _l("This instance cannot be imported as it is:")


CODE_TEXT = _l("“%(value)s” is not a code: use lower-case letters, digits, - and _ (at most 40 characters).")
FEATURE_TEXT = _l(
    "“%(value)s” is not a feature: one word of lower-case letters, digits, _ - or . (at most 40)."
)
FILM_ID_TEXT = _l("“%(value)s” is not a film id: use letters, digits, _ - . and : (at most 100 characters).")
NAME_TEXT = _l("This is %(length)s characters long; the festival keeps at most %(maximum)s.")


def clean_name(value: object) -> object:
    """A name or title of an instance as the forms keep one: one line, without invisible characters."""
    return single_line(strip_invisible_characters(value))


def _length(column) -> int:
    return column.property.columns[0].type.length


def _import_checks(data: Mapping) -> Iterator[tuple[str, str, object]]:
    """(path, kind, value) of every id and name an import stores or shows (of a well-formed instance)."""
    yield "festival.name", "edition_name", data["festival"]["name"]
    for i, venue in enumerate(data["venues"]):
        yield f"venues[{i}].id", "code", venue["id"]
        yield f"venues[{i}].name", "venue_name", venue.get("name")
        if isinstance(venue.get("city"), str):  # version 2: kept as the venue's city key
            yield f"venues[{i}].city", "code", venue["city"]
    for i, theater in enumerate(data["theaters"]):
        yield f"theaters[{i}].id", "code", theater["id"]
        yield f"theaters[{i}].name", "venue_name", theater.get("name")
        for j, word in enumerate(theater.get("features") or []):
            yield f"theaters[{i}].features[{j}]", "feature", word
    for i, film in enumerate(data["films"]):
        yield f"films[{i}].id", "film_id", film["id"]
        yield f"films[{i}].title", "title", film.get("title")
        for j, word in enumerate(film.get("requires") or []):
            yield f"films[{i}].requires[{j}]", "feature", word


def import_problems(data: Mapping) -> dict[str, list[object]]:
    """What stops a well-formed instance (the reader accepted it) from being imported, by field path: ids
    outside the safe patterns (they end up in addresses, file names and calendar files), names longer
    than the columns that keep them. Empty when it can be imported."""
    patterns = {"code": (CODE_PATTERN, CODE_TEXT), "feature": (FEATURE_PATTERN, FEATURE_TEXT)}
    patterns["film_id"] = (FILM_ID_PATTERN, FILM_ID_TEXT)
    lengths = {
        "edition_name": _length(Edition.name),
        "venue_name": min(_length(Venue.name), _length(Theater.name)),
        "title": _length(Entry.title_en),
    }
    problems: dict[str, list[object]] = {}
    for path, kind, value in _import_checks(data):
        if kind in patterns:
            pattern, text = patterns[kind]
            if not pattern.fullmatch(value):
                problems[path] = [text % {"value": value.encode("unicode_escape").decode("ascii")}]
        elif isinstance(value, str) and len(clean_name(value)) > lengths[kind]:
            problems[path] = [NAME_TEXT % {"length": len(clean_name(value)), "maximum": lengths[kind]}]
    return problems


def check_importable(data: Mapping) -> None:
    """Raise InstanceBuildError (the reader's problems) or InstanceImportError (``import_problems``) unless
    ``data`` is an instance that can be imported as it is."""
    parse(data)
    problems = import_problems(data)
    if problems:
        raise InstanceImportError(errors=problems)


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
    entries by film id. Flushes, never commits; raises (before any write) what ``check_importable`` raises."""
    check_importable(data)
    names_zh = names_zh or {}
    theaters: dict[str, Theater] = {}
    version_2 = data.get("format") == scheduler.INSTANCE_FORMAT_2
    for v in data["venues"]:
        venue = Venue(
            edition_id=edition.id,
            code=v["id"],
            name=clean_name(v.get("name")) or v["id"],
            name_zh=names_zh.get(v["id"]),
            hours=v.get("hours", {}),
            closed_dates=v.get("closed_dates", []),
            special_hours=v.get("special_hours", {}),
            # version 2: a venue without a city is a city of its own (the format's default)
            city=v.get("city", v["id"]) if version_2 else "",
        )
        db.session.add(venue)
        for position, t in enumerate(x for x in data["theaters"] if x["venue"] == v["id"]):
            theater = Theater(
                code=t["id"],
                name=clean_name(t.get("name")) or t["id"],
                name_zh=names_zh.get(f"{v['id']}/{t['id']}"),
                seats=t["seats"],
                formats=t["formats"],
                features=t.get("features", []),
                changeover_minutes=t.get("changeover_minutes", 0),
                start_step_minutes=t.get("start_step_minutes", 5),
                position=position,
                online=bool(t.get("online")),
                window_minutes=t.get("window_minutes") if t.get("online") else None,
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
    if version_2:
        _import_version_2(data, edition, entries)
    return entries


def _import_version_2(data: Mapping, edition: Edition, entries: Mapping[str, Entry]) -> None:
    """An instance's version-2 keys: the transit days, each film's prints (where they start is not in the
    format: unknown) and the formats its channels stream (the edition's streamable formats)."""
    transit = data.get("transit_days") or {}
    edition.transit_days_default = transit.get("default", 1)
    for city_a, city_b, days in transit.get("pairs") or []:
        a, b = sorted((city_a, city_b))
        db.session.add(TransitDays(edition_id=edition.id, city_a=a, city_b=b, days=days))
    for film in data["films"]:
        for number in range(1, (film.get("prints") or 0) + 1):
            db.session.add(FilmPrint(entry_id=entries[film["id"]].id, number=number))
    streamed = {f for t in data["theaters"] if t.get("online") for f in t.get("formats") or []}
    edition.stream_formats = sorted(streamed)
    db.session.flush()


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
            title_original=clean_name(film.get("title")) or film["id"],
            title_en=clean_name(film.get("title")) or film["id"],
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
        prints=film.get("prints"),
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
