"""The solver's reader on what the database holds and on what staff type, its problems in their words.

``parse`` reads a whole instance (``InstanceBuildError`` when the reader refuses it); the partial checks
run the reader's own checks (``scheduler.check_venue``, ``check_theater``, ``check_film``) on the one
object a form is about, written by the same writers as a whole instance (``build``), and put each
problem next to the form field it is about. No rule of the format is restated here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l

import scheduler
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Edition, Entry, TimetableVersion
from festival.schedule.adapter.build import (
    build_instance,
    film_json,
    names_in,
    schedule_json_of,
    theater_json,
    venue_json,
)
from festival.schedule.adapter.words import in_words

_HEAD = re.compile(r"^([A-Za-z_]+)(?:\.([A-Za-z_]+))?")


class InstanceBuildError(InvalidInput):
    """The database holds something the solver rejects. ``problems`` are the reader's; ``messages`` say
    them in the visitor's words, each naming the venue, theater or film it is about."""

    default = _l(
        "The solver cannot use the data of this edition yet. Correct these values (venues, theaters, blocks "
        "or selection decisions) and try again:"
    )

    def __init__(self, problems: Iterable[scheduler.Problem], names: Mapping[str, str] | None = None):
        self.problems = list(problems)
        self.messages = [in_words(p, names) for p in self.problems]
        super().__init__(self.default, errors={"": self.messages})


def parse(data: dict) -> scheduler.Instance:
    """Read an instance dict with the solver's reader; raises InstanceBuildError with its problems."""
    try:
        return scheduler.parse_instance(data)
    except scheduler.InstanceError as exc:
        raise InstanceBuildError(exc.problems, names_in(data)) from None


def read_instance_file(path: str | Path) -> Any:
    """The decoded JSON of an instance file, checked by the solver's reader; raises InstanceBuildError when
    the file cannot be read, is not JSON (or nests too deep, or holds a number of too many digits) or is not
    a valid instance."""
    try:
        data = scheduler.read_json(path)  # the engine's one JSON boundary (its problems name the file)
    except scheduler.FormatError as exc:
        raise InstanceBuildError(exc.problems) from None
    parse(data)
    return data


def instance_for(
    edition: Edition,
    *,
    base_version: TimetableVersion | None = None,
    keep_pins: bool = True,
    popularity: Mapping[int, int] | None = None,
) -> tuple[dict, scheduler.Instance]:
    """build_instance() plus the parsed Instance; raises InstanceBuildError when the solver rejects it."""
    data = build_instance(edition, base_version=base_version, keep_pins=keep_pins, popularity=popularity)
    return data, parse(data)


def check_version(
    version: TimetableVersion, *, instance: dict | scheduler.Instance | None = None
) -> scheduler.Report:
    """Check a version's screenings with the solver's validator against the edition's instance.

    By default the instance is build_instance(edition, base_version=version): the version's own pins
    are ``fixed``. Raises InstanceBuildError when the database holds something the solver rejects."""
    edition = db.session.get(Edition, version.edition_id)
    if instance is None:
        instance = build_instance(edition, base_version=version)
    parsed = instance if isinstance(instance, scheduler.Instance) else parse(instance)
    return scheduler.check_json(parsed, schedule_json_of(version))


def check_screenings_json(
    edition: Edition, screenings: list[dict], *, instance: Any = None
) -> scheduler.Report:
    """Check a list of spec screenings (e.g. a version with a proposed edit) against an instance."""
    if instance is None:
        instance = build_instance(edition)
    parsed = instance if isinstance(instance, scheduler.Instance) else parse(instance)
    return scheduler.check_json(parsed, {"screenings": screenings})


def warnings_of(instance: scheduler.Instance, data: Mapping) -> list[str]:
    """What the reader accepted but warns about, in the visitor's words."""
    names = names_in(data)
    return [in_words(p, names) for p in instance.warning_problems]


# ---------------------------------------------------------------- partial checks of one object


def _field_errors(problems: Iterable[scheduler.Problem], field: Callable[[str, str | None], str]) -> dict:
    """Problems by form field (``field(head, member)`` names it from the path; '' is the whole form)."""
    errors: dict[str, list[str]] = {}
    for problem in problems:
        match = _HEAD.match(problem.path)
        name = field(match.group(1), match.group(2)) if match else ""
        errors.setdefault(name, []).append(in_words(problem, where=False))
    return errors


def _venue_field(head: str, member: str | None) -> str:
    if head == "id":
        return "code"
    if head == "hours" and member:
        return f"hours_{member}"
    return head if head in ("closed_dates", "special_hours") else ""


def venue_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """What the solver's reader says about a venue's values (code, hours, closed dates, special hours), by
    form field; empty when it accepts them."""
    return _field_errors(scheduler.check_venue(venue_json(values)), _venue_field)


THEATER_FIELDS = ("seats", "formats", "features", "changeover_minutes", "start_step_minutes")


def _theater_field(head: str, member: str | None) -> str:
    if head == "id":
        return "code"
    return head if head in THEATER_FIELDS else ""


def theater_errors(values: Mapping[str, Any], venue_code: str) -> dict[str, list[str]]:
    """What the solver's reader says about a theater's values in its venue, by form field."""
    fragment = theater_json(values, values["code"], venue_code)
    return _field_errors(scheduler.check_theater(fragment, venues={venue_code}), _theater_field)


def _film_field(head: str, member: str | None) -> str:
    decided = ("min_screenings", "max_screenings", "max_per_day", "copies", "popularity", "requires")
    return head if head in (*decided, "not_before", "not_after") else ""


def film_errors(entry: Entry, decision: Any) -> dict[str, list[str]]:
    """What the solver's reader says about an accepted film with these decision values, by form field
    (the entry's own values, format and running time, are the form's ''). ``decision`` is a Decision row
    or the values being decided."""
    return _field_errors(scheduler.check_film(film_json(entry, decision)), _film_field)


def intervals_error(pairs: list[list[str]]) -> str | None:
    """What the reader says first about one day's opening intervals (``[["09:30", "12:00"], ...]``), in
    words; None when it accepts them."""
    problems = scheduler.check_intervals(pairs)
    return in_words(problems[0], where=False) if problems else None


def date_error(text: str) -> str | None:
    """What the reader says about a date (``YYYY-MM-DD``), in words; None when it is a real date."""
    problems = scheduler.check_closed_dates([text])
    return in_words(problems[0], where=False) if problems else None


def transit_errors(transit: Mapping[str, Any], cities: Iterable[str]) -> dict[str, list[str]]:
    """What the reader says about a ``transit_days`` object (``default``, ``pairs``) of an edition whose
    venues are in ``cities``, by form field (``default`` or ``pairs``); empty when it accepts it."""

    def field(head: str, _member: str | None) -> str:
        return "default" if head == "default" else "pairs"

    return _field_errors(scheduler.check_transit_days(dict(transit), "", cities=set(cities)), field)
