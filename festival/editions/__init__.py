"""Editions across the site: the open calls, the current edition, the edition a staff page works on, and how
far from its screening window a time typed for it may lie.

The rules of running an edition live in the modules of this package: ``lifecycle`` (its states and
moves, which action fits which state), ``services`` (creating, changing and copying an edition, its
holidays) and ``demand`` (the demand settings and the solver's weights made from them)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import abort, g, has_request_context, session
from flask_babel import lazy_gettext as _l

from festival import localtime, params
from festival.extensions import db
from festival.models import Decision, Edition, Entry, TimetableVersion, Venue
from festival.models.enums import DecisionOutcome, EditionStatus, VersionStatus

# How far from its screening window a time typed for an edition may lie (blocks for rehearsals before it,
# repairs after it); beyond that a date is a typing error and never reaches the timetable's rules.
REACH = timedelta(days=366)


def out_of_reach(edition: Edition, moment: datetime) -> object | None:
    """Why an aware instant cannot be used for the edition (more than a year from its screening window),
    or None when it can."""
    first, last = localtime.day_range(edition.first_day, edition.last_day, edition)
    if first - REACH <= moment <= last + REACH:
        return None
    return _l(
        "Must lie within a year of the screening window (%(first)s to %(last)s).",
        first=edition.first_day.isoformat(),
        last=edition.last_day.isoformat(),
    )


def asked_day(edition: Edition, text: object) -> date | None:
    """The day a page is asked to show (``?day=YYYY-MM-DD``) when it is a day of the edition's screening
    window, else None (the page then picks its own)."""
    day = params.calendar_date(text)
    return day if day is not None and edition.first_day <= day <= edition.last_day else None


def open_editions(now: datetime | None = None) -> list[Edition]:
    """Editions whose call for entries is open now (the rules' clock, ``localtime.now``) or at ``now``, the
    earliest deadline first."""
    moment = now or localtime.now()
    stmt = sa.select(Edition).where(Edition.call_open(moment)).order_by(Edition.entry_deadline)
    return list(db.session.scalars(stmt))


def current_edition() -> Edition | None:
    """The edition the site shows by default: the latest with a published timetable, else the newest.

    Computed once per request (the header and the page both ask)."""
    if has_request_context():
        if "current_edition" not in g:
            g.current_edition = _find_current_edition()
        return g.current_edition
    return _find_current_edition()


def _find_current_edition() -> Edition | None:
    # one round trip: editions with a published timetable first, then the latest screening window
    has_programme = (
        sa.select(TimetableVersion.id)
        .where(TimetableVersion.edition_id == Edition.id, TimetableVersion.status == VersionStatus.PUBLISHED)
        .exists()
    )
    stmt = (
        sa.select(Edition)
        .where(Edition.status != EditionStatus.DRAFT)
        .order_by(has_programme.desc(), Edition.first_day.desc(), Edition.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def staff_editions() -> list[Edition]:
    """Editions staff may work on (all but archived), newest screening window first."""
    stmt = (
        sa.select(Edition).where(Edition.status != EditionStatus.ARCHIVED).order_by(Edition.first_day.desc())
    )
    return list(db.session.scalars(stmt))


def _has_programme_data(edition: Edition) -> bool:
    venues = sa.select(Venue.id).where(Venue.edition_id == edition.id)
    accepted = (
        sa.select(Entry.id)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(Entry.edition_id == edition.id, Decision.outcome == DecisionOutcome.ACCEPTED)
    )
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(venues), sa.exists(accepted)))))


REMEMBERED = "staff_edition"


def staff_edition(slug: str | None) -> Edition:
    """The edition a staff page works on: the one named by ``slug`` (404 if unknown), which is remembered
    for the next staff page; without one, the remembered edition, else the newest edition that has venues
    or accepted films, else the site's current edition (404 when there is no edition at all)."""
    if slug:
        edition = db.session.scalar(sa.select(Edition).where(Edition.slug == slug))
        if edition is None:
            abort(404)
        remember_edition(edition)
        return edition
    remembered = session.get(REMEMBERED) if has_request_context() else None
    if remembered:
        edition = db.session.scalar(sa.select(Edition).where(Edition.slug == remembered))
        if edition is not None:
            return edition
    for edition in staff_editions():
        if _has_programme_data(edition):
            return edition
    edition = current_edition()
    if edition is None:
        abort(404)
    return edition


def remember_edition(edition: Edition) -> None:
    """Staff chose this edition: their next staff pages show it until they choose another."""
    if has_request_context() and session.get(REMEMBERED) != edition.slug:
        session[REMEMBERED] = edition.slug
