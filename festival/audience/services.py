"""The visitors' rules: who may wish, plan and vote; starred films (the wish-list); the days a visitor can
come; the edition's audience settings. Every write flushes, never commits."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.audience.demand import settings_of
from festival.errors import InvalidInput, NotAllowed
from festival.extensions import db
from festival.models import (
    AudienceSettings,
    Decision,
    Edition,
    Entry,
    Star,
    TimetableVersion,
    User,
    VisitorDays,
)
from festival.models.enums import DecisionOutcome, VersionStatus


class NotConfirmed(NotAllowed):
    default = _l("Please confirm your e-mail address first (open the link we mailed you).")


def ensure_visitor(user: User) -> None:
    """The one rule of who may wish, plan and vote: a confirmed account, whatever its roles."""
    if not user.is_authenticated or user.email_confirmed_at is None:
        raise NotConfirmed()


def has_published(edition: Edition) -> bool:
    stmt = sa.select(TimetableVersion.id).where(
        TimetableVersion.edition_id == edition.id,
        TimetableVersion.status.in_((VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)),
    )
    return db.session.scalar(stmt.limit(1)) is not None


def _selected(edition: Edition) -> sa.Select:
    """The edition's accepted entries whose decisions are released."""
    return (
        sa.select(Entry)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(
            Entry.edition_id == edition.id,
            Decision.outcome == DecisionOutcome.ACCEPTED,
            Decision.released_at.is_not(None),
        )
    )


def selected_films(edition: Edition) -> list[Entry]:
    """The edition's accepted films whose decisions are released, by title."""
    return sorted(db.session.scalars(_selected(edition)), key=lambda e: e.display_title.casefold())


def wishes_open(edition: Edition) -> bool:
    """Wish-lists are taken once decisions are released and until the first timetable is published."""
    return bool(selected_films(edition)) and not has_published(edition)


def selected_film(edition: Edition, entry_id: int) -> Entry | None:
    """The entry if it is one of the edition's released selected films."""
    return db.session.scalar(_selected(edition).where(Entry.id == entry_id))


# ---------------------------------------------------------------- stars (the wish-list)


def starred(user: User | None, edition: Edition) -> set[int]:
    """The entry ids of the edition the user starred (none for the anonymous)."""
    if user is None or not user.is_authenticated:
        return set()
    stmt = sa.select(Star.entry_id).join(Entry, Entry.id == Star.entry_id)
    return set(db.session.scalars(stmt.where(Star.user_id == user.id, Entry.edition_id == edition.id)))


def set_star(user: User, edition: Edition, entry_id: int, on: bool) -> bool:
    """Star (or unstar) one of the edition's selected films; returns whether it is starred now.

    Raises NotConfirmed, InvalidInput (not a selected film of the edition)."""
    ensure_visitor(user)
    if selected_film(edition, entry_id) is None:
        raise InvalidInput(_l("This film is not in the edition's selection."))
    row = db.session.get(Star, (user.id, entry_id))
    if on and row is None:
        db.session.add(Star(user_id=user.id, entry_id=entry_id))
    elif not on and row is not None:
        db.session.delete(row)
    db.session.flush()
    return on


# ---------------------------------------------------------------- when a visitor can come


def weekends(edition: Edition) -> list[date]:
    """The Saturdays of the edition's weekends (a window opening on a Sunday: that Sunday's Saturday)."""
    first = edition.first_day - timedelta(days=(edition.first_day.weekday() - 5) % 7)
    if first + timedelta(days=1) < edition.first_day:
        first += timedelta(days=7)
    out, day = [], first
    while day <= edition.last_day:
        out.append(day)
        day += timedelta(days=7)
    return out


def days_of(user: User | None, edition: Edition) -> VisitorDays | None:
    if user is None or not user.is_authenticated:
        return None
    return db.session.get(VisitorDays, (user.id, edition.id))


def set_days(user: User, edition: Edition, *, weekdays: bool, saturdays: list[date]) -> VisitorDays:
    """Say on which kinds of day the visitor can come: weekdays or not, and which weekends (their
    Saturdays). Raises NotConfirmed, InvalidInput (a date that is not one of the edition's weekends)."""
    ensure_visitor(user)
    allowed = set(weekends(edition))
    if any(d not in allowed for d in saturdays):
        raise InvalidInput(errors={"weekends": [_l("Choose among the edition's weekends.")]})
    if not weekdays and not saturdays:
        raise InvalidInput(errors={"weekends": [_l("Choose at least one weekend, or weekdays.")]})
    row = days_of(user, edition)
    if row is None:
        row = VisitorDays(user_id=user.id, edition_id=edition.id)
        db.session.add(row)
    row.weekdays = weekdays
    row.weekends = sorted(d.isoformat() for d in saturdays)
    db.session.flush()
    return row


# ---------------------------------------------------------------- settings


def save_settings(edition: Edition, **values) -> AudienceSettings:
    """Store the edition's audience settings (staff); raises InvalidInput naming the field."""
    errors = {}
    if values.get("expected_visitors", 0) < 0:
        errors["expected_visitors"] = [_l("The number of visitors cannot be negative.")]
    if values.get("prior_strength", 1) <= 0:
        errors["prior_strength"] = [_l("The weight of the curators' estimate must be above 0.")]
    for key in ("venue_travel_minutes", "city_travel_minutes"):
        if values.get(key, 0) < 0:
            errors[key] = [_l("Minutes cannot be negative.")]
    if errors:
        raise InvalidInput(errors=errors)
    row = db.session.get(AudienceSettings, edition.id)
    if row is None:
        row = settings_of(edition)
        db.session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    db.session.flush()
    return row
