"""The published programme as a frab-compatible schedule: ``schedule.xml`` and ``schedule.json``.

These are the formats that conference and festival apps read (Giggity, ConfClerk, EventFahrplan,
the c3voc tools, pretalx's exporters write them): the conference, then one ``day`` per festival
day, in each day one ``room`` per place with something on, in each room one ``event`` per item.
Both files are written from the same arrangement (``arrange``), so the JSON mirrors the XML.

The builders read only ``ProgrammeItem``s (festival.programme.items), whatever their kind: a
screening, a public event (a forum session, a talk, with its speakers as persons), a streaming window
later.

Rules the readers rely on (tests/programme/test_feeds.py checks each):
- the root's children in the schema's order: generator, url, version, conference, day...;
- every day has index (from 1), date, start and end (midnight to midnight in the edition's zone);
- every event has a guid (a UUID) and an id (a positive integer), both unique and both stable while
  the item does not change, and a slug unique within the feed;
- dates are ISO 8601 with the edition's UTC offset, ``start`` is HH:MM local time, ``duration`` HH:MM.
"""

from __future__ import annotations

import math
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import force_locale

from festival import localtime
from festival.events import queries as event_queries
from festival.models import Edition, Entry, TimetableVersion
from festival.models import Event as EventRow
from festival.navigation import localized
from festival.programme import queries
from festival.programme.items import Place, ProgrammeItem, event_items, guid, screening_items, theater_places

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = "festival"
MAX_ID = 2**31 - 1  # ids fit the 32-bit integers of the apps' databases
DEFAULT_TIMESLOT = 5  # minutes, when no theater says
SLUG_TAIL_MIN = 4  # the c3voc schema wants at least four characters after the acronym


@dataclass(frozen=True)
class Conference:
    """What the feed says about the edition."""

    edition_slug: str
    acronym: str
    title: str
    first_day: date
    last_day: date
    timezone: str  # the edition's, so festival.localtime converts for the feed as for the pages
    timeslot_minutes: int
    base_url: str  # the site's address
    url: str  # the programme's page
    feed_url: str  # this file's own address
    version: str  # changes with each publication

    def guid(self, key: str) -> str:
        """The UUID of the item or place with this key."""
        return guid(self.base_url, self.edition_slug, key)


@dataclass(frozen=True)
class Event:
    guid: str
    id: int
    slug: str
    item: ProgrammeItem


@dataclass
class Day:
    index: int
    date: date
    start: datetime
    end: datetime
    rooms: list[tuple[Place, list[Event]]] = field(default_factory=list)


def acronym(slug: str) -> str:
    """The edition's slug as an acronym both schemas accept: lower-case letters, digits and "_"."""
    text = "".join(c if c.isascii() and (c.isalnum() or c == "_") else "_" for c in slug.lower())
    return text.ljust(4, "_")


def event_ids(guids: Sequence[str]) -> dict[str, int]:
    """A positive 31-bit integer per guid, derived from it (so it is as stable as the guid); a rare
    clash within the feed takes the next free number, in guid order."""
    ids: dict[str, int] = {}
    taken: set[int] = set()
    for g in sorted(set(guids)):
        n = uuid.UUID(g).int % MAX_ID + 1
        while n in taken:
            n = n % MAX_ID + 1
        taken.add(n)
        ids[g] = n
    return ids


def _slug(conference: Conference, item: ProgrammeItem, number: int) -> str:
    tail = f"{item.slug}-{number}" if item.slug else f"{item.kind}-{number}"
    if len(tail) < SLUG_TAIL_MIN:
        tail = f"{item.kind}-{tail}"
    return f"{conference.acronym}-{tail}"


def arrange(conference: Conference, items: Sequence[ProgrammeItem]) -> list[Day]:
    """The items by local day and place: every day of the window (and any day an item falls on
    outside it), each with the places that have items that day, in the places' order."""
    guids = {item.key: conference.guid(item.key) for item in items}
    ids = event_ids(list(guids.values()))
    by_day: dict[date, dict[Place, list[Event]]] = {}
    for item in sorted(items, key=lambda i: (i.start, i.place.order, i.key)):
        g = guids[item.key]
        event = Event(guid=g, id=ids[g], slug=_slug(conference, item, ids[g]), item=item)
        day = localtime.local_day(item.start, conference)
        by_day.setdefault(day, {}).setdefault(item.place, []).append(event)
    first = min([conference.first_day, *by_day])
    last = max([conference.last_day, *by_day])
    days = []
    for index in range((last - first).days + 1):
        day = first + timedelta(days=index)
        start, end = localtime.day_range(day, day, conference)
        rooms = sorted(by_day.get(day, {}).items(), key=lambda pair: pair[0].order)
        days.append(Day(index=index + 1, date=day, start=start, end=end, rooms=rooms))
    return days


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def _event_fields(conference: Conference, event: Event) -> dict:
    """An event's fields in the order the schema lists them (shared by the XML and the JSON)."""
    item = event.item
    local = localtime.to_local(item.start, conference)
    return {
        "room": item.place.name,
        "title": item.title,
        "subtitle": item.subtitle,
        "type": item.type,
        "date": local.isoformat(),
        "start": local.strftime("%H:%M"),
        "duration": _hhmm(_minutes(item.start, item.end)),
        "abstract": item.abstract,
        "slug": event.slug,
        "track": item.track,
        "persons": item.persons,
        "language": item.language,
        "description": item.description,
        "links": item.links,
        "url": item.url,
    }


def _conference_fields(conference: Conference, days: Sequence[Day]) -> dict:
    return {
        "acronym": conference.acronym,
        "title": conference.title,
        "start": days[0].date.isoformat(),
        "end": days[-1].date.isoformat(),
        "days": len(days),
        "timeslot_duration": _hhmm(conference.timeslot_minutes),
        "time_zone_name": localtime.zone_name(conference),
        "base_url": conference.base_url,
        "url": conference.url,
    }


def edition_schedule(
    edition: Edition,
    version: TimetableVersion,
    *,
    language: str,
    base_url: str,
    programme_url: str,
    feed_url: str,
    film_url: Callable[[Entry], str],
    event_url: Callable[[EventRow], str],
) -> tuple[Conference, list[Day]]:
    """The published version of the edition and its public events as a conference and its days, in
    ``language``."""
    screenings = queries.all_screenings(version)
    public = event_queries.public_events(edition)
    rooms = {s.theater for s in screenings} | {e.theater for e in public if e.theater is not None}
    theaters = sorted(rooms, key=lambda t: (t.venue_id, t.position, t.id))
    with force_locale(language):
        places = theater_places(theaters)
        title = localized(edition, "name")
    items = screening_items(screenings, language=language, places=places, film_url=film_url)
    speakers = event_queries.confirmed_speakers
    items += event_items(public, language=language, places=places, event_url=event_url, speakers=speakers)
    published = localtime.to_local(version.published_at, edition) if version.published_at else None
    conference = Conference(
        edition_slug=edition.slug,
        acronym=acronym(edition.slug),
        title=title,
        first_day=edition.first_day,
        last_day=edition.last_day,
        timezone=localtime.zone_name(edition),
        timeslot_minutes=math.gcd(*(t.start_step_minutes for t in theaters)) or DEFAULT_TIMESLOT,
        base_url=base_url,
        url=programme_url,
        feed_url=feed_url,
        version=f"{version.number} ({published:%Y-%m-%d %H:%M})" if published else str(version.number),
    )
    return conference, arrange(conference, items)


# ---------------------------------------------------------------- XML


def schedule_xml(conference: Conference, days: Sequence[Day]) -> bytes:
    """The schedule as frab/c3voc ``schedule.xml`` (UTF-8)."""
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR)
    ET.SubElement(root, "url").text = conference.feed_url
    ET.SubElement(root, "version").text = conference.version
    conf = ET.SubElement(root, "conference")
    for tag, value in _conference_fields(conference, days).items():
        ET.SubElement(conf, tag).text = str(value)
    for day in days:
        day_el = ET.SubElement(
            root, "day", index=str(day.index), date=day.date.isoformat(),
            start=day.start.isoformat(), end=day.end.isoformat(),
        )  # fmt: skip
        for place, events in day.rooms:
            room_el = ET.SubElement(day_el, "room", name=place.name, guid=conference.guid(place.key))
            for event in events:
                _event_xml(
                    ET.SubElement(room_el, "event", guid=event.guid, id=str(event.id)), conference, event
                )
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _event_xml(element: ET.Element, conference: Conference, event: Event) -> None:
    for tag, value in _event_fields(conference, event).items():
        child = ET.SubElement(element, tag)
        if tag == "persons":
            for name in value:
                ET.SubElement(child, "person").text = name
        elif tag == "links":
            for link in value:
                ET.SubElement(child, "link", href=link.url).text = link.title
        else:
            child.text = value or ""


# ---------------------------------------------------------------- JSON


def schedule_json(conference: Conference, days: Sequence[Day]) -> dict:
    """The schedule as c3voc ``schedule.json``: the XML's content, with rooms as a map per day."""
    conf = _conference_fields(conference, days)
    base_url = conf.pop("base_url")
    conf["daysCount"] = conf.pop("days")
    places: dict[str, Place] = {}
    for day in days:
        for place, _events in day.rooms:
            places.setdefault(place.key, place)
    conf["rooms"] = [
        {"name": p.name, "guid": conference.guid(p.key), "capacity": p.capacity}
        for p in sorted(places.values(), key=lambda p: p.order)
    ]
    conf["days"] = [
        {
            "index": day.index,
            "date": day.date.isoformat(),
            "day_start": day.start.isoformat(),
            "day_end": day.end.isoformat(),
            "rooms": {
                place.name: [_event_json(conference, e) for e in events] for place, events in day.rooms
            },
        }
        for day in days
    ]
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": GENERATOR},
        "schedule": {
            "url": conference.feed_url,
            "version": conference.version,
            "base_url": base_url,
            "conference": conf,
        },
    }


def _event_json(conference: Conference, event: Event) -> dict:
    fields = _event_fields(conference, event)
    fields["persons"] = [{"name": name} for name in fields["persons"]]
    fields["links"] = [{"url": link.url, "title": link.title, "type": link.kind} for link in fields["links"]]
    return {"guid": event.guid, "id": event.id, **fields}
