"""Venues and theaters: every write, and the rules that need the database or the edition.

Each write is checked by the solver's own reader (the adapter's partial checks) before it is flushed, so
the database never holds a venue or theater that a solver run would reject.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from festival.audit import record, record_changes
from festival.errors import InvalidInput, InvalidTransition
from festival.events import services as events
from festival.extensions import db
from festival.models import Edition, Screening, Theater, User, Venue
from festival.schedule import adapter

VENUE_FIELDS = ("code", "name", "name_zh", "hours", "closed_dates", "special_hours")
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


def _check_venue_code(edition: Edition, code: str, venue: Venue | None) -> None:
    stmt = sa.select(Venue.id).where(Venue.edition_id == edition.id, Venue.code == code)
    if venue is not None:
        stmt = stmt.where(Venue.id != venue.id)
    if db.session.scalar(stmt) is not None:
        raise InvalidInput(errors={"code": [_l("Another venue of this edition already uses this code.")]})


def create_venue(edition: Edition, *, actor: User | None, **values) -> Venue:
    """Add a venue to an edition. Raises InvalidInput (code taken, hours the solver refuses)."""
    _check_venue_code(edition, values["code"], None)
    _refuse_unless_readable(adapter.venue_errors(values))
    venue = Venue(edition_id=edition.id, **{k: values[k] for k in VENUE_FIELDS})
    db.session.add(venue)
    db.session.flush()
    record(venue, actor=actor, action="venue.create", new=values)
    return venue


def update_venue(venue: Venue, *, actor: User | None, **values) -> Venue:
    """Change a venue's code, names and hours. Raises InvalidInput."""
    edition = db.session.get(Edition, venue.edition_id)
    _check_venue_code(edition, values["code"], venue)
    _refuse_unless_readable(adapter.venue_errors(values))
    before = _snapshot(venue, VENUE_FIELDS)
    for key in VENUE_FIELDS:
        setattr(venue, key, values[key])
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
    """Copy the venues of another edition with their weekly hours and theaters into ``target``, and its
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
        for theater in venue.theaters:
            theater_copies[theater.id] = create_theater(
                copy, actor=actor, **_snapshot(theater, THEATER_FIELDS)
            ).id
        copies.append(copy)
    events.copy_recurring_events(source, target, theater_copies, actor=actor)
    return copies


# ---------------------------------------------------------------- reads


def solver_problems(edition: Edition) -> tuple[list[str], list[str]]:
    """What a solver run would say about the edition's data now: (errors, warnings)."""
    try:
        data, instance = adapter.instance_for(edition)
    except adapter.InstanceBuildError as exc:
        return exc.messages, []
    return [], adapter.warnings_of(instance, data)
