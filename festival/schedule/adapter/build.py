"""Rows -> instance: the edition's venues, theaters, accepted films, pins and published screenings written
in the solver's format. Each object of the format has one writer here, used for a whole instance and for
the fragments the partial checks read (``checks``).

The instance is ``festival-schedule-instance/1`` unless the edition uses a version-2 feature
(``uses_version_2``: venues in more than one city, films with prints, online channels); then it is
``/2``, with every venue's city, the transit days, the films' prints and the channels' windows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from festival import localtime
from festival.editions.demand import DEFAULT_MOVE_COST, move_cost  # noqa: F401  (the adapter's names)
from festival.extensions import db
from festival.models import (
    Decision,
    Edition,
    Entry,
    Event,
    Screening,
    ShortsProgramme,
    Theater,
    TimetableVersion,
    TransitDays,
    Venue,
)
from festival.models.enums import DecisionOutcome, EntryStatus, VersionStatus
from festival.schedule.adapter.ids import (
    edition_theaters,
    entry_id_of,
    film_id,
    item_film_id,
    local_text,
    placed_events,
    programme_film_id,
    theater_ids,
)
from scheduler import INSTANCE_FORMAT, INSTANCE_FORMAT_2, SCHEDULE_FORMAT, SCHEDULE_FORMAT_2

VENUE_KEYS = ("code", "name", "hours", "closed_dates", "special_hours")
THEATER_KEYS = ("name", "seats", "formats", "features", "changeover_minutes", "start_step_minutes")
DECISION_KEYS = (
    "min_screenings", "max_screenings", "max_per_day", "copies", "requires", "popularity", "not_before",
    "not_after",
)  # fmt: skip
# the solver's city of a venue whose ``city`` is "" (the edition's own city: every such venue is in it)
HOME_CITY = "home"


def values_of(obj: Any, keys: Iterable[str]) -> dict:
    """The named attributes of a row (or the entries of a mapping), for the writers below."""
    if isinstance(obj, Mapping):
        return {key: obj.get(key) for key in keys}
    return {key: getattr(obj, key) for key in keys}


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


def weights_json(edition: Edition) -> dict:
    """The instance's ``weights``: the edition's demand settings with the move cost in force."""
    return {**(edition.schedule_weights or {}), "change_penalty": move_cost(edition)}


def version_screenings(version: TimetableVersion | None, *, pinned_only: bool = False) -> list[Screening]:
    """A version's screenings in time order (none for no version)."""
    if version is None:
        return []
    stmt = sa.select(Screening).where(Screening.timetable_id == version.id)
    if pinned_only:
        stmt = stmt.where(Screening.pinned.is_(True))
    return list(db.session.scalars(stmt.order_by(Screening.start, Screening.id)))


def edition_venues(edition: Edition) -> list[Venue]:
    """The edition's venues in creation order."""
    return list(db.session.scalars(sa.select(Venue).where(Venue.edition_id == edition.id).order_by(Venue.id)))


# ---------------------------------------------------------------- the writers of each object


def festival_json(edition: Edition) -> dict:
    """The ``festival`` object: name, timezone and screening window."""
    return {
        "name": edition.name,
        "timezone": edition.timezone,
        "first_day": edition.first_day.isoformat(),
        "last_day": edition.last_day.isoformat(),
    }


def venue_json(values: Mapping) -> dict:
    """A ``venue`` from a venue's values (``VENUE_KEYS``: code, name, weekly hours, closed dates and
    special hours, as the venue form and the ``venue`` table hold them)."""
    return {
        "id": values["code"],
        "name": values.get("name") or values["code"],
        "hours": dict(values.get("hours") or {}),
        "closed_dates": list(values.get("closed_dates") or []),
        "special_hours": dict(values.get("special_hours") or {}),
    }


def theater_json(
    values: Mapping, theater_id: str, venue_code: str, unavailable: list[dict] | None = None
) -> dict:
    """A ``theater`` from a theater's values (``THEATER_KEYS``, and ``online``/``window_minutes`` for a
    streaming channel: version 2), its instance id, its venue's code and the periods it is unavailable
    (``event_json``)."""
    out = {
        "id": theater_id,
        "venue": venue_code,
        "name": values.get("name") or theater_id,
        "seats": values["seats"],
        "formats": list(values.get("formats") or []),
        "features": list(values.get("features") or []),
        "changeover_minutes": values["changeover_minutes"],
        "start_step_minutes": values["start_step_minutes"],
        "unavailable": list(unavailable or []),
    }
    if values.get("online"):
        out["online"] = True
        out["window_minutes"] = values.get("window_minutes")
    return out


def event_json(event, edition: Edition) -> dict:
    """An ``unavailable`` period from an event in the theater, public or not (a block is an event that is
    not public); rounded out to whole minutes: it never shrinks."""
    return {"start": local_text(event.start, edition), "end": local_text(event.end, edition, round_up=True)}


def film_json(entry: Entry, decision: Any) -> dict:
    """A ``film`` from an entry and its decision (a ``Decision`` row, or the values a lead is deciding)."""
    values = values_of(decision, DECISION_KEYS)
    minimum = values["min_screenings"] if values["min_screenings"] is not None else 1
    prints = decision.get("prints") if isinstance(decision, Mapping) else getattr(decision, "prints", None)
    film = {
        "id": film_id(entry.id),
        "title": entry.display_title,
        "format": entry.format.value if entry.format is not None else None,
        "runtime_minutes": entry.runtime_minutes,
        "requires": list(values["requires"] or []),
        "min_screenings": minimum,
        "max_screenings": values["max_screenings"] if values["max_screenings"] is not None else minimum,
        "max_per_day": values["max_per_day"],
        "copies": values["copies"],
        "popularity": values["popularity"] or 0,
        "not_before": values["not_before"].isoformat() if values["not_before"] else None,
        "not_after": values["not_after"].isoformat() if values["not_after"] else None,
    }
    if prints is not None:  # version 2: a digital film (None) writes no key, as in version 1
        film["prints"] = prints
    return film


def edition_programmes(edition: Edition) -> list[ShortsProgramme]:
    """The edition's shorts programmes in creation order."""
    stmt = (
        sa.select(ShortsProgramme)
        .where(ShortsProgramme.edition_id == edition.id)
        .order_by(ShortsProgramme.id)
    )
    return list(db.session.scalars(stmt))


def programme_json(programme: ShortsProgramme, members: list[dict], gap: int) -> dict | None:
    """A shorts programme as one ``film`` (``p<id>``) from its accepted members' films, in screening order;
    None when the members cannot screen as one (formats that differ, dates that do not overlap).

    The rule (docs/timetable.md, "Shorts programmes in the timetable"): the running time is the members'
    plus ``gap`` between two films; the format is theirs; it requires every feature any member requires;
    it screens at least as often as the member that needs most screenings and at most as often as the
    member that allows fewest (never below that minimum), with the fewest screenings a day and copies of
    any member; its popularity (the expected audience of one screening) is the members' mean, rounded; it
    screens only on the dates every member may screen."""
    if len({m["format"] for m in members}) != 1:
        return None
    minimum = max(m["min_screenings"] for m in members)
    befores = [m["not_before"] for m in members if m["not_before"]]
    afters = [m["not_after"] for m in members if m["not_after"]]
    not_before, not_after = max(befores, default=None), min(afters, default=None)
    if not_before and not_after and not_before > not_after:
        return None
    return {
        "id": programme_film_id(programme.id),
        "title": programme.display_title,
        "format": members[0]["format"],
        "runtime_minutes": sum(m["runtime_minutes"] for m in members) + gap * (len(members) - 1),
        "requires": sorted({word for m in members for word in m["requires"]}),
        "min_screenings": minimum,
        "max_screenings": max(minimum, min(m["max_screenings"] for m in members)),
        "max_per_day": min(m["max_per_day"] for m in members),
        "copies": min(m["copies"] for m in members),
        "popularity": round(sum(m["popularity"] for m in members) / len(members)),
        "not_before": not_before,
        "not_after": not_after,
    }


def fold_programmes(edition: Edition, films: list[dict]) -> list[dict]:
    """The instance's films with each shorts programme of the edition as one film (``programme_json``) in
    place of its accepted members, which are left out; a programme none of whose members is accepted (or
    whose members cannot screen as one) is not scheduled, and its accepted members stay single films."""
    by_id = {f["id"]: f for f in films}
    folded: set[str] = set()
    units = []
    for programme in edition_programmes(edition):
        members = [by_id[fid] for fid in (film_id(m.entry_id) for m in programme.entries) if fid in by_id]
        unit = programme_json(programme, members, edition.programme_gap_minutes) if members else None
        if unit is not None:
            units.append(unit)
            folded.update(m["id"] for m in members)
    return [f for f in films if f["id"] not in folded] + units


def schedulable(edition: Edition) -> tuple[list[tuple[Entry, Decision]], list[ShortsProgramme]]:
    """What the edition's timetable screens, as its instance has it: the accepted films that screen on their
    own, and the shorts programmes that screen as one film in place of their films (``fold_programmes``)."""
    accepted = accepted_entries(edition)
    ids = {f["id"] for f in fold_programmes(edition, [film_json(e, d) for e, d in accepted])}
    singles = [(e, d) for e, d in accepted if film_id(e.id) in ids]
    return singles, [p for p in edition_programmes(edition) if programme_film_id(p.id) in ids]


def screening_refs(
    screenings: Iterable[Screening], edition: Edition, tids: dict[int, str], films: set[str]
) -> list[dict]:
    """``fixed`` / ``previous`` screenings of rows whose film and theater are in the instance (others are
    dropped), each once."""
    out, seen = [], set()
    for s in screenings:
        fid, tid = item_film_id(s), tids.get(s.theater_id)
        if fid not in films or tid is None:
            continue
        item = {"film": fid, "theater": tid, "start": local_text(s.start, edition)}
        key = (item["film"], item["theater"], item["start"])
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def tie_start(event: Event, entry: Entry, edition: Edition) -> datetime:
    """Where a film tied to an event is screened: right before the event in its theater, its end plus the
    theater's changeover no later than the event's start, on the theater's start step (rounded down)."""
    theater = event.theater
    latest = event.start - timedelta(minutes=(entry.runtime_minutes or 0) + theater.changeover_minutes)
    local = localtime.to_local(latest, edition).replace(second=0, microsecond=0)
    minute = local.hour * 60 + local.minute
    step = theater.start_step_minutes or 1
    return localtime.from_local(local.replace(tzinfo=None) - timedelta(minutes=minute % step), edition)


def tied_events(edition: Edition) -> list:
    """The edition's events with a time, a theater and a film screened right before them."""
    stmt = sa.select(Event).where(
        Event.edition_id == edition.id,
        Event.entry_id.is_not(None),
        Event.theater_id.is_not(None),
        Event.start.is_not(None),
    )
    return list(db.session.scalars(stmt.order_by(Event.start, Event.id)))


def event_ties(edition: Edition, tids: dict[int, str], films: set[str]) -> list[dict]:
    """A ``fixed`` screening for each film tied to an event (``tie_start``) whose film and theater are in
    the instance: the solver places it as it places a pin."""
    out = []
    for event in tied_events(edition):
        entry, tid = db.session.get(Entry, event.entry_id), tids.get(event.theater_id)
        if film_id(entry.id) in films and tid is not None:
            start = tie_start(event, entry, edition)
            out.append({"film": film_id(entry.id), "theater": tid, "start": local_text(start, edition)})
    return out


def screening_tie(screening: Screening, edition: Edition) -> Event | None:
    """The event a screening is placed before (its film tied to the event, in its theater, at
    ``tie_start``), or None: what the timetable says of a screening pinned by an event."""
    for event in tied_events(edition):
        same_place = (event.entry_id, event.theater_id) == (screening.entry_id, screening.theater_id)
        if same_place and tie_start(event, screening.entry, edition) == screening.start:
            return event
    return None


# ---------------------------------------------------------------- the instance


def build_instance(
    edition: Edition,
    *,
    base_version: TimetableVersion | None = None,
    keep_pins: bool = True,
    popularity: Mapping[int, int] | None = None,
) -> dict:
    """The edition's solver instance as a JSON-ready dict.

    ``popularity`` (entry id -> expected audience) replaces the decisions' numbers of the films it names
    (a run's demand source other than the curators', festival.schedule.demand).

    Each shorts programme is one film ``p<id>`` in place of its members (``fold_programmes``).

    ``fixed`` holds the pinned screenings of ``base_version`` (default: ``pin_source``) when ``keep_pins``,
    and always the screenings of films tied to events (``event_ties``); ``previous`` holds the latest
    published version's screenings, which the solver keeps unless a move gains more than the move cost
    (``weights.change_penalty``, see ``move_cost``). Pins and previous screenings of films that are no
    longer accepted (or of deleted theaters) are left out."""
    theaters = edition_theaters(edition)
    tids = theater_ids(theaters)
    films = [film_json(e, d) for e, d in accepted_entries(edition)]
    for film in films if popularity else ():
        film["popularity"] = popularity.get(entry_id_of(film["id"]), film["popularity"])
    films = fold_programmes(edition, films)
    film_ids = {f["id"] for f in films}
    fixed: list[dict] = []
    ties = event_ties(edition, tids, film_ids)
    if keep_pins:
        source = base_version if base_version is not None else pin_source(edition)
        fixed = screening_refs(version_screenings(source, pinned_only=True), edition, tids, film_ids)
        # a film tied to an event in a theater is placed by the event alone there (it may have moved)
        tied = {(t["film"], t["theater"]) for t in ties}
        fixed = [f for f in fixed if (f["film"], f["theater"]) not in tied]
    fixed += [t for t in ties if t not in fixed]
    previous = screening_refs(version_screenings(latest_published(edition)), edition, tids, film_ids)
    venues = edition_venues(edition)
    v2 = uses_version_2(venues, theaters, films)
    data = {
        "format": INSTANCE_FORMAT_2 if v2 else INSTANCE_FORMAT,
        "festival": festival_json(edition),
        "venues": [venue_json(values_of(v, VENUE_KEYS)) for v in venues],
        "theaters": [
            theater_json(
                theater_values(t, edition),
                tids[t.id],
                t.venue.code,
                [event_json(e, edition) for e in sorted(placed_events(t), key=lambda e: (e.start, e.end))],
            )
            for t in theaters
        ],
        "films": films,
        "fixed": fixed,
        "previous": previous,
        "weights": weights_json(edition),
    }
    if v2:
        for venue, item in zip(venues, data["venues"], strict=True):
            item["city"] = city_key(venue.city)
        data["transit_days"] = transit_json(edition, {city_key(v.city) for v in venues})
    return data


# ---------------------------------------------------------------- version 2: cities, prints, channels


def city_key(city: str | None) -> str:
    """The solver's city of a venue's ``city`` ("": the edition's own city, ``HOME_CITY``)."""
    return city or HOME_CITY


def uses_version_2(venues: Iterable[Venue], theaters: Iterable[Theater], films: Iterable[dict]) -> bool:
    """Whether an instance needs ``festival-schedule-instance/2``: its venues are in more than one city, a
    film has prints or a theater is an online channel. Otherwise it is written as version 1, byte for byte
    what it was before version 2 existed."""
    return (
        len({city_key(v.city) for v in venues}) > 1
        or any(f.get("prints") is not None for f in films)
        or any(t.online for t in theaters)
    )


def theater_values(theater: Theater, edition: Edition) -> dict:
    """A theater's values for ``theater_json``: a channel streams the edition's streamable formats and
    needs no feature (a film that needs motion seats or another feature cannot stream)."""
    values = values_of(theater, (*THEATER_KEYS, "online", "window_minutes"))
    if theater.online:
        values["formats"] = list(edition.stream_formats or [])
        values["features"] = []
    return values


def transit_pairs(edition: Edition) -> list[TransitDays]:
    """The edition's transit days between two cities, by city."""
    stmt = sa.select(TransitDays).where(TransitDays.edition_id == edition.id)
    return list(db.session.scalars(stmt.order_by(TransitDays.city_a, TransitDays.city_b)))


def transit_json(edition: Edition, cities: set[str]) -> dict:
    """The instance's ``transit_days``: the edition's default and its pairs between cities some venue is in
    (a pair of a city no venue is in any more is kept in the table but not written)."""
    pairs = [
        [city_key(p.city_a), city_key(p.city_b), p.days]
        for p in transit_pairs(edition)
        if {city_key(p.city_a), city_key(p.city_b)} <= cities
    ]
    return {"default": edition.transit_days_default, "pairs": pairs}


def names_in(data: Mapping) -> dict[str, str]:
    """How people call the objects of an instance: ``venues[0]`` -> its name, ``films[3]`` -> its title."""
    names: dict[str, str] = {}
    if not isinstance(data, Mapping):  # a file that is a list, a number or null: no object has a name
        return names
    for key, label in (("venues", "name"), ("theaters", "name"), ("films", "title")):
        for i, item in enumerate(data.get(key) or []):
            if isinstance(item, Mapping) and isinstance(item.get(label) or item.get("id"), str):
                names[f"{key}[{i}]"] = item.get(label) or item["id"]
    return names


# ---------------------------------------------------------------- a version as a schedule


def screening_json(s: Screening, edition: Edition, tids: Mapping[int, str]) -> dict:
    """A screening row as a spec screening ``{film, theater, start}`` (the film ``p<id>`` for a shorts
    programme), with its ``print`` when it uses one (version 2)."""
    out = {
        "film": item_film_id(s),
        "theater": tids.get(s.theater_id, f"#{s.theater_id}"),
        "start": local_text(s.start, edition),
    }
    if s.print_number is not None:
        out["print"] = s.print_number
    return out


def screenings_to_schedule(version: TimetableVersion) -> list[dict]:
    """A version's screenings as spec screenings (ids as in build_instance, ``screening_json``)."""
    edition = db.session.get(Edition, version.edition_id)
    tids = theater_ids(edition_theaters(edition))
    return [screening_json(s, edition, tids) for s in version_screenings(version)]


def schedule_format(screenings: Iterable[Mapping]) -> str:
    """``festival-schedule/2`` when a screening names a print, else ``/1``."""
    return SCHEDULE_FORMAT_2 if any("print" in s for s in screenings) else SCHEDULE_FORMAT


def schedule_json_of(version: TimetableVersion) -> dict:
    """A version as a minimal ``festival-schedule`` object (for checks and downloads)."""
    screenings = screenings_to_schedule(version)
    return {"format": schedule_format(screenings), "status": "feasible", "screenings": screenings}
