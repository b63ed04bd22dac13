"""Venues and theaters: every write, and the rules that need the database or the edition.

Each write is checked by the solver's own reader (the adapter's partial checks) before it is flushed, so
the database never holds a venue or theater that a solver run would reject.
"""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from festival import venue_scope as scope
from festival.audit import record, record_changes
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.events import services as events
from festival.extensions import db
from festival.models import Edition, Screening, Theater, User, Venue
from festival.models.enums import Role
from festival.models.venue import CITY_PATTERN
from festival.schedule import adapter
from festival.venues import phones

VENUE_FIELDS = (
    "code", "name", "name_zh", "hours", "closed_dates", "special_hours",
    "city", "is_partner", "contact_name", "contact_email", "contact_phone",
)  # fmt: skip
# what only staff change: a venue manager edits the rest of their venue (hours, names, contact)
STAFF_VENUE_FIELDS = ("code", "city", "is_partner")
THEATER_FIELDS = (
    "code", "name", "name_zh", "seats", "formats", "features",
    "changeover_minutes", "start_step_minutes", "position",
)  # fmt: skip


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _refuse_unless_readable(errors: dict[str, list[str]]) -> None:
    """Refuse values the solver's reader refuses (``adapter.venue_errors`` / ``theater_errors``: its own
    checks, its problems next to the form's fields)."""
    if errors:
        raise InvalidInput(errors=errors)


# ---------------------------------------------------------------- venues


def contact_errors(values: dict) -> dict[str, list]:
    """Why a venue's city or contact cannot be stored: the city is a key (``hefei``: lower-case letters,
    digits, - and _), the e-mail an address, the phone a valid telephone number (``phones.normalised``: a
    Chinese one needs no +86)."""
    errors: dict[str, list] = {}
    city = values.get("city") or ""
    if city and not CITY_PATTERN.fullmatch(city):
        errors["city"] = [_l("Write the city as a short key of lower-case letters, like hefei.")]
    email = values.get("contact_email")
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError as exc:
            errors["contact_email"] = [_l("This is not a valid e-mail address: %(why)s", why=str(exc))]
    phone = values.get("contact_phone")
    if phone:
        try:
            phones.normalised(phone)
        except ValueError:
            errors["contact_phone"] = [
                _l(
                    "Write a telephone number with its area code, like 0551 6362 1234, or with its country "
                    "code, like +86 551 6362 1234."
                )
            ]
    return errors


def _check_venue(values: dict) -> dict:
    """Refuse a city or contact ``contact_errors`` names, and hours the solver's reader refuses; the values
    to store (the phone in E.164, ``phones.normalised``)."""
    _refuse_unless_readable(contact_errors(values) | adapter.venue_errors(values))
    if values.get("contact_phone"):
        values = {**values, "contact_phone": phones.normalised(values["contact_phone"])}
    return values


def _check_venue_code(edition: Edition, code: str, venue: Venue | None) -> None:
    stmt = sa.select(Venue.id).where(Venue.edition_id == edition.id, Venue.code == code)
    if venue is not None:
        stmt = stmt.where(Venue.id != venue.id)
    if db.session.scalar(stmt) is not None:
        raise InvalidInput(errors={"code": [_l("Another venue of this edition already uses this code.")]})


def create_venue(edition: Edition, *, actor: User | None, **values) -> Venue:
    """Add a venue to an edition. Raises InvalidInput (code taken, hours the solver refuses, a city or
    contact ``contact_errors`` refuses)."""
    _check_venue_code(edition, values["code"], None)
    values = _check_venue(values)
    venue = Venue(edition_id=edition.id, **{k: values[k] for k in VENUE_FIELDS if k in values})
    db.session.add(venue)
    db.session.flush()
    record(venue, actor=actor, action="venue.create", new=values)
    return venue


def update_venue(venue: Venue, *, actor: User | None, **values) -> Venue:
    """Change a venue's code, names, hours, city, partner flag and contact (only the ``values`` given).

    Raises InvalidInput, and NotAllowed when someone who is not staff (a venue manager) changes one of
    STAFF_VENUE_FIELDS."""
    manager = actor is not None and not actor.has_role(Role.STAFF)
    if manager and any(k in values and values[k] != getattr(venue, k) for k in STAFF_VENUE_FIELDS):
        raise NotAllowed(_l("Only staff change a venue's code, city and partner flag."))
    before = _snapshot(venue, VENUE_FIELDS)
    after = before | {k: values[k] for k in VENUE_FIELDS if k in values}
    _check_venue_code(db.session.get(Edition, venue.edition_id), after["code"], venue)
    after = _check_venue(after)
    for key in VENUE_FIELDS:
        setattr(venue, key, after[key])
    db.session.flush()
    record_changes(
        venue, actor=actor, action="venue.update", before=before, after=_snapshot(venue, VENUE_FIELDS)
    )
    return venue


def _screenings_in(theater_ids: list[int]) -> int:
    if not theater_ids:
        return 0
    stmt = sa.select(sa.func.count()).select_from(Screening).where(Screening.theater_id.in_(theater_ids))
    return db.session.scalar(stmt) or 0


def delete_venue(venue: Venue, *, actor: User | None) -> None:
    """Delete a venue with its theaters and their events; InvalidTransition if a timetable uses them."""
    used = _screenings_in([t.id for t in venue.theaters])
    if used:
        raise InvalidTransition(
            lazy_ngettext(
                "%(num)d screening in timetable versions uses this venue's theaters; it cannot be deleted.",
                "%(num)d screenings in timetable versions use this venue's theaters; it cannot be deleted.",
                used,
            )
        )
    record(venue, actor=actor, action="venue.delete", old=_snapshot(venue, VENUE_FIELDS))
    db.session.delete(venue)
    db.session.flush()


# ---------------------------------------------------------------- theaters


def _check_theater_code(venue: Venue, code: str, theater: Theater | None) -> None:
    """Theater codes are unique within the edition, so solver ids stay short and readable."""
    stmt = (
        sa.select(Theater.id)
        .join(Venue, Theater.venue_id == Venue.id)
        .where(Venue.edition_id == venue.edition_id, Theater.code == code)
    )
    if theater is not None:
        stmt = stmt.where(Theater.id != theater.id)
    if db.session.scalar(stmt) is not None:
        raise InvalidInput(errors={"code": [_l("Another theater of this edition already uses this code.")]})


def _check_theater(venue: Venue, values: dict) -> None:
    if not values["formats"]:
        raise InvalidInput(errors={"formats": [_l("Tick at least one format.")]})
    _refuse_unless_readable(adapter.theater_errors(values, venue.code))


def create_theater(venue: Venue, *, actor: User | None, **values) -> Theater:
    """Add a theater to a venue; InvalidInput when the code is taken or the solver refuses the values."""
    _check_theater_code(venue, values["code"], None)
    _check_theater(venue, values)
    theater = Theater(**{k: values[k] for k in THEATER_FIELDS})
    venue.theaters.append(theater)
    db.session.flush()
    record(theater, actor=actor, action="theater.create", new=values)
    return theater


def update_theater(theater: Theater, *, actor: User | None, **values) -> Theater:
    """Change a theater's seats, formats, features, changeover and start step. Raises InvalidInput."""
    _check_theater_code(theater.venue, values["code"], theater)
    _check_theater(theater.venue, values)
    before = _snapshot(theater, THEATER_FIELDS)
    for key in THEATER_FIELDS:
        setattr(theater, key, values[key])
    db.session.flush()
    after = _snapshot(theater, THEATER_FIELDS)
    record_changes(theater, actor=actor, action="theater.update", before=before, after=after)
    return theater


def delete_theater(theater: Theater, *, actor: User | None) -> None:
    """Delete a theater and its events (blocks too); InvalidTransition if a timetable version uses it."""
    used = _screenings_in([theater.id])
    if used:
        raise InvalidTransition(
            lazy_ngettext(
                "%(num)d screening in timetable versions uses this theater; it cannot be deleted.",
                "%(num)d screenings in timetable versions use this theater; it cannot be deleted.",
                used,
            )
        )
    record(theater, actor=actor, action="theater.delete", old=_snapshot(theater, THEATER_FIELDS))
    db.session.delete(theater)
    db.session.flush()


# ---------------------------------------------------------------- copying


def copy_venues(source: Edition, target: Edition, *, actor: User | None) -> list[Venue]:
    """Copy the venues of another edition with their weekly hours, city, contact, venue managers
    (``scope.copy_scope``) and theaters into ``target``, and its
    recurring events (blocks too) on the same weekdays (``events.copy_recurring_events``).

    Closed dates, special hours and one-off events belong to their year and are not copied. Raises
    InvalidInput when the editions are the same, the source has no venues, or a venue or theater code is
    taken."""
    if source.id == target.id:
        raise InvalidInput(_l("Choose another edition to copy from."))
    venues = adapter.edition_venues(source)
    if not venues:
        raise InvalidInput(_l("That edition has no venues to copy."))
    taken_venues = {v.code for v in adapter.edition_venues(target)}
    taken_theaters = {t.code for v in adapter.edition_venues(target) for t in v.theaters}
    wanted_theaters = {t.code for v in venues for t in v.theaters}
    clash = sorted(({v.code for v in venues} & taken_venues) | (wanted_theaters & taken_theaters))
    if clash:
        message = _l("These codes are already used in this edition: %(codes)s.", codes=", ".join(clash))
        raise InvalidInput(message)
    copies, theater_copies = [], {}
    for venue in venues:
        values = {**_snapshot(venue, VENUE_FIELDS), "closed_dates": [], "special_hours": {}}
        copy = create_venue(target, actor=actor, **values)
        scope.copy_scope([(venue, copy)])
        for theater in venue.theaters:
            theater_copies[theater.id] = create_theater(
                copy, actor=actor, **_snapshot(theater, THEATER_FIELDS)
            ).id
        copies.append(copy)
    events.copy_recurring_events(source, target, theater_copies, actor=actor)
    return copies


# ---------------------------------------------------------------- reads


def by_city(venues: list[Venue]) -> list[tuple[str, list[Venue]]]:
    """The venues grouped by city key, the cities in the order their first venue comes."""
    groups: dict[str, list[Venue]] = {}
    for venue in venues:
        groups.setdefault(venue.city or "", []).append(venue)
    return list(groups.items())


def solver_problems(edition: Edition) -> tuple[list[str], list[str]]:
    """What a solver run would say about the edition's data now: (errors, warnings)."""
    try:
        data, instance = adapter.instance_for(edition)
    except adapter.InstanceBuildError as exc:
        return exc.messages, []
    return [], adapter.warnings_of(instance, data)
