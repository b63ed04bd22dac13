"""Exports of a timetable version: CSV for the box office, iCalendar, the spec's JSON.

The printable programme is a page (templates/schedule/print.html with static/css/print.css), built
on ``programme_days``. Every export reads one version only, so a draft's export never shows
published data and vice versa.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

import icalendar

import scheduler
from festival import localtime, spreadsheets
from festival.extensions import db
from festival.formtools import single_line
from festival.models import Edition, Entry, Event, Screening, ShortsProgramme, TimetableVersion
from festival.models.types import utcnow
from festival.schedule import adapter
from festival.schedule.grid import version_screenings

CSV_COLUMNS = (
    "date",
    "weekday",
    "start",
    "end",
    "venue",
    "theater",
    "theater_zh",
    "seats",
    "reference",
    "title",
    "title_zh",
    "title_original",
    "format",
    "runtime_minutes",
    "audiences",
    "expected_attendance",
    "pinned",
    "films",
)
PRODID = "-//BJIFF Science & Technology Section//festival timetable//EN"


def programme_days(edition: Edition, screenings: Iterable[Screening]) -> list[tuple[date, list[Screening]]]:
    """Screenings grouped by local day, in time order."""
    days: dict[date, list[Screening]] = {}
    for s in sorted(screenings, key=lambda s: (s.start, s.theater.position, s.theater_id)):
        days.setdefault(localtime.local_day(s.start, edition), []).append(s)
    return sorted(days.items())


# ---------------------------------------------------------------- CSV


def csv_text(version: TimetableVersion, screenings: Iterable[Screening] | None = None) -> str:
    """The version as CSV (festival.spreadsheets: BOM, no formulas), one screening a row, local times;
    only ``screenings`` (of the version) when given, e.g. those of a venue manager's venues."""
    edition = db.session.get(Edition, version.edition_id)
    rows = version_screenings(version) if screenings is None else screenings
    return spreadsheets.csv_text(CSV_COLUMNS, (_csv_row(s, edition) for s in rows))


def _csv_row(s: Screening, edition: Edition) -> tuple:
    start, end = localtime.to_local(s.start, edition), localtime.to_local(s.end, edition)
    e, t = s.item, s.theater
    return (
        start.date().isoformat(),
        start.strftime("%a"),
        start.strftime("%H:%M"),
        end.strftime("%H:%M"),
        t.venue.name,
        t.name,
        t.name_zh or "",
        t.seats,
        e.reference or "",
        e.display_title,
        e.title_zh or "",
        e.title_original or "",
        e.format.value if e.format else "",
        e.runtime_minutes or "",
        " ".join(e.audiences or []),
        s.expected_attendance,
        "yes" if s.pinned else "",
        _films_cell(s),
    )


def _films_cell(s: Screening) -> str:
    """A shorts programme's films in screening order (reference, title, minutes); empty for one film."""
    if s.programme is None:
        return ""
    return " | ".join(
        f"{e.reference or ''} {e.display_title} ({e.runtime_minutes} min)".strip() for e in s.films
    )


# ---------------------------------------------------------------- iCalendar


def screening_uid(edition: Edition, s: Screening) -> str:
    """A UID that stays the same for the same film (or shorts programme), theater and start in every
    version."""
    when = s.start.strftime("%Y%m%dT%H%MZ")
    return f"{edition.slug}-{adapter.item_film_id(s)}-t{s.theater_id}-{when}@festival"


def event_uid(edition: Edition, event: Event) -> str:
    """An event's UID: the event row stays the same when it moves, so a calendar updates it in place."""
    return f"{edition.slug}-event{event.id}@festival"


def _event_component(edition: Edition, e: Event, url: str | None) -> icalendar.Event:
    """A VEVENT of a public event (titles in both languages, as a screening's)."""
    titles = [t for t in (e.title, e.title_zh) if t]
    component = icalendar.Event()
    component.add("uid", event_uid(edition, e))
    component.add("dtstamp", e.updated_at)
    component.add("dtstart", localtime.to_local(e.start, edition))
    component.add("dtend", localtime.to_local(e.end, edition))
    component.add("summary", single_line(" / ".join(dict.fromkeys(titles)) or e.kind.value.replace("_", " ")))
    if e.theater is not None:
        component.add("location", single_line(f"{e.theater.name}, {e.theater.venue.name}"))
    details = [text for text in (e.description, e.description_zh, url) if text]
    if details:
        component.add("description", "\n\n".join(details))
    if url:
        component.add("url", url)
    component.add("categories", [e.kind.value])
    component.add("transp", "OPAQUE")
    return component


def _summary(entry: Entry | ShortsProgramme) -> str:
    if entry.title_zh and entry.title_zh != entry.display_title:
        return single_line(f"{entry.display_title} / {entry.title_zh}")
    return single_line(entry.display_title)


def calendar(
    edition: Edition,
    screenings: Sequence[Screening],
    *,
    name: str,
    stamp: datetime | None,
    film_url: Callable[[Entry], str | None] | None = None,
    events: Sequence[Event] = (),
    event_url: Callable[[Event], str | None] | None = None,
) -> bytes:
    """An RFC 5545 calendar of screenings (and public ``events``: forum sessions, talks), times in the
    edition's timezone with its VTIMEZONE.

    ``stamp`` is the DTSTAMP of every screening (the version's publication time, so that the file is
    the same byte for byte while the version is); ``film_url(item)`` gives each screening's URL (of its
    film, or of its shorts programme),
    ``event_url(event)`` each event's. Names and titles are one line each (``single_line``), whatever a row
    holds: a property cannot be broken into two."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", single_line(name))
    cal.add("x-wr-timezone", edition.timezone)
    for s in screenings:
        e, t = s.item, s.theater
        event = icalendar.Event()
        event.add("uid", screening_uid(edition, s))
        event.add("dtstamp", stamp or utcnow())
        event.add("dtstart", localtime.to_local(s.start, edition))
        event.add("dtend", localtime.to_local(s.end, edition))
        event.add("summary", _summary(e))
        event.add("location", single_line(f"{t.name}, {t.venue.name}"))
        details = [f"{(e.format.value if e.format else '').replace('_', ' ')} · {e.runtime_minutes} min"]
        if s.programme is not None:  # a shorts programme: its films, in order
            details.append(
                "\n".join(f"{i}. {_summary(f)} ({f.runtime_minutes} min)" for i, f in enumerate(s.films, 1))
            )
        elif e.synopsis_short:
            details.append(e.synopsis_short)
        url = film_url(e) if film_url else None
        if url:
            details.append(url)
            event.add("url", url)
        event.add("description", "\n\n".join(details))
        if e.format:
            event.add("categories", [e.format.value])
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    for e in events:
        cal.add_component(_event_component(edition, e, event_url(e) if event_url else None))
    cal.add_missing_timezones()
    return cal.to_ical()


# ---------------------------------------------------------------- JSON


def schedule_json(version: TimetableVersion) -> dict:
    """The version in the spec's ``festival-schedule/1`` format, checked by the solver's validator.

    ``status`` is ``feasible`` when every hard rule holds, ``infeasible`` otherwise (``violations``
    then lists them), ``unknown`` when the edition's data cannot form an instance. Films, theaters
    and the version are described under extra keys, which readers of the format ignore."""
    edition = db.session.get(Edition, version.edition_id)
    screenings = adapter.screenings_to_schedule(version)
    out: dict = {
        "format": adapter.schedule_format(screenings),
        "status": "unknown",
        "objective": None,
        "bound": None,
        "solve_seconds": 0.0,
        "screenings": screenings,
        "shortfalls": [],
    }
    try:
        _data, instance = adapter.instance_for(edition, base_version=version)
    except adapter.InstanceBuildError as exc:
        out["violations"] = exc.messages
        instance = None
    if instance is not None:
        report = scheduler.check_json(instance, {"screenings": screenings})
        counts = report.counts
        out["status"] = "feasible" if report.valid else "infeasible"
        out["objective"] = report.objective
        out["shortfalls"] = [
            {
                "film": f.id,
                "missing": f.min_screenings - counts.get(f.id, 0),
                "reason": f"scheduled {counts.get(f.id, 0)} of at least {f.min_screenings} in this version",
            }
            for f in instance.films
            if counts.get(f.id, 0) < f.min_screenings
        ]
        if not report.valid:
            out["violations"] = [{"rule": v.rule, "message": v.message} for v in report.violations]
    out.update(_descriptions(edition, version))
    return out


def _film_description(e: Entry | ShortsProgramme) -> dict:
    return {
        "title": e.display_title,
        "title_zh": e.title_zh,
        "title_original": e.title_original,
        "reference": e.reference,
        "format": e.format.value if e.format else None,
        "runtime_minutes": e.runtime_minutes,
    }


def _descriptions(edition: Edition, version: TimetableVersion) -> dict:
    rows = version_screenings(version)
    tids = adapter.theater_ids(adapter.edition_theaters(edition))
    films, theaters = {}, {}
    for s in rows:
        t = s.theater
        films[adapter.item_film_id(s)] = _film_description(s.item)
        if s.programme is not None:
            films[adapter.item_film_id(s)]["films"] = {
                adapter.film_id(e.id): _film_description(e) for e in s.films
            }
        theaters[tids.get(t.id, f"#{t.id}")] = {"name": t.name, "name_zh": t.name_zh, "seats": t.seats}
    return {
        "timetable": {
            "edition": edition.slug,
            "timezone": edition.timezone,
            "version": version.id,
            "number": version.number,
            "status": version.status.value,
            "published_at": version.published_at.isoformat() if version.published_at else None,
        },
        "films": films,
        "theaters": theaters,
    }
