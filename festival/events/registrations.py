"""Visitors' registration for events that need it: a seat while seats last, else the waiting list, and
promotion from the waiting list when someone cancels.

The database holds the count: ``event.seats_taken`` only changes by one conditional UPDATE
(``seats_taken < capacity``, and nobody waiting), which PostgreSQL runs under the row's lock and SQLite
under its write lock, so two visitors registering at the same moment for the last seat cannot both get
it; the check constraint ``seats_within`` refuses anything else. A cancellation hands its seat to the
first visitor waiting with one UPDATE that names them (``status = 'waiting'`` again in its WHERE): when
two cancellations race for the same visitor, the second finds them confirmed and moves to the next.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from festival import localtime
from festival.errors import InvalidTransition, NotAllowed
from festival.extensions import db
from festival.labels import event_title
from festival.mail.services import send_mail
from festival.models import Edition, Event, EventRegistration, Theater, User
from festival.models.enums import RegistrationStatus
from festival.navigation import localized, public_url

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)
PROMOTION_ATTEMPTS = 50


def registration_of(event: Event, user: User) -> EventRegistration | None:
    """The visitor's registration for the event (any status), or None."""
    stmt = sa.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.user_id == user.id
    )
    return db.session.scalar(stmt)


def ensure_confirmed(user: User) -> None:
    """Registration needs a confirmed e-mail address (the details and any seat offer go there)."""
    if user.email_confirmed_at is None:
        raise NotAllowed(_l("Confirm your e-mail address first: the details of your seat are sent there."))


def ensure_open(event: Event, now: datetime | None = None) -> None:
    """Refuse (InvalidTransition) when the event takes no registration now: it is not public, not placed,
    needs none, or has begun."""
    if not (event.public and event.placed and event.registration_required and event.capacity):
        raise InvalidTransition(_l("This event takes no registration."))
    if (now or localtime.now()) >= event.start:
        raise InvalidTransition(_l("The event has begun; registration is closed."))


def _take_seat(event_id: int) -> bool:
    """Take one of the event's seats if one is free and nobody is waiting for it (one conditional UPDATE)."""
    waiting = (
        sa.select(EventRegistration.id)
        .where(EventRegistration.event_id == event_id, EventRegistration.status == WAITING)
        .exists()
    )
    stmt = (
        sa.update(Event)
        .where(Event.id == event_id, Event.seats_taken < Event.capacity, ~waiting)
        .values(seats_taken=Event.seats_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).rowcount == 1


def _give_back_seat(event_id: int) -> None:
    stmt = (
        sa.update(Event)
        .where(Event.id == event_id)
        .values(seats_taken=Event.seats_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(stmt)


def register(event: Event, user: User, *, now: datetime | None = None) -> EventRegistration:
    """Register the visitor: a seat if one is free, else a place on the waiting list; registering again
    while registered or waiting changes nothing. Mails the details. Raises InvalidTransition when the
    event takes no registration. Flushes."""
    ensure_confirmed(user)
    ensure_open(event, now)
    existing = registration_of(event, user)
    if existing is not None and existing.status != CANCELLED:
        return existing
    moment = now or localtime.now()
    try:
        with db.session.begin_nested():
            status = CONFIRMED if _take_seat(event.id) else WAITING
            if existing is None:
                registration = EventRegistration(
                    event_id=event.id, user_id=user.id, status=status, queued_at=moment, changed_at=moment
                )
                db.session.add(registration)
            else:
                registration = existing
                registration.status, registration.queued_at, registration.changed_at = status, moment, moment
            db.session.flush()
    except IntegrityError:
        # the same visitor registered in another request at the same moment: theirs stands
        found = registration_of(event, user)
        if found is None:
            raise
        return found
    db.session.refresh(event)
    _mail(registration, event)
    return registration


def cancel(registration: EventRegistration, *, now: datetime | None = None) -> EventRegistration | None:
    """Cancel a registration (the visitor's own); a seat it held goes to the first visitor waiting, who
    is mailed. Returns the promoted registration, if any. Flushes."""
    if registration.status == CANCELLED:
        return None
    moment = now or localtime.now()
    event = db.session.get(Event, registration.event_id)
    held_seat = registration.status == CONFIRMED
    registration.status, registration.changed_at = CANCELLED, moment
    db.session.flush()
    promoted = _promote(event.id, moment) if held_seat else None
    if held_seat and promoted is None:
        _give_back_seat(event.id)
    db.session.refresh(event)
    if promoted is not None:
        _mail(promoted, event)
    return promoted


def _promote(event_id: int, moment: datetime) -> EventRegistration | None:
    """Hand a freed seat to the first visitor waiting (None when nobody waits)."""
    for _attempt in range(PROMOTION_ATTEMPTS):
        first = db.session.scalar(
            sa.select(EventRegistration.id)
            .where(EventRegistration.event_id == event_id, EventRegistration.status == WAITING)
            .order_by(EventRegistration.queued_at, EventRegistration.id)
            .limit(1)
        )
        if first is None:
            return None
        stmt = (
            sa.update(EventRegistration)
            .where(EventRegistration.id == first, EventRegistration.status == WAITING)
            .values(status=CONFIRMED, changed_at=moment)
            .execution_options(synchronize_session=False)
        )
        if db.session.execute(stmt).rowcount == 1:
            promoted = db.session.get(EventRegistration, first)
            db.session.refresh(promoted)
            return promoted
    raise InvalidTransition(_l("Too many visitors are changing their registration; try again."))


def waiting_position(registration: EventRegistration) -> int | None:
    """The visitor's place on the waiting list (1 = next), or None when not waiting."""
    if registration.status != WAITING:
        return None
    ahead = sa.select(sa.func.count()).where(
        EventRegistration.event_id == registration.event_id,
        EventRegistration.status == WAITING,
        sa.tuple_(EventRegistration.queued_at, EventRegistration.id)
        < sa.tuple_(sa.literal(registration.queued_at), sa.literal(registration.id)),
    )
    return (db.session.scalar(ahead) or 0) + 1


def _mail(registration: EventRegistration, event: Event) -> None:
    """The details of the visitor's registration (or waiting place) in their language."""
    user = db.session.get(User, registration.user_id)
    theater = db.session.get(Theater, event.theater_id) if event.theater_id else None
    edition = db.session.get(Edition, event.edition_id)
    with force_locale(user.locale or "en"):
        title = event_title(event)
        when = localtime.format_local(event.start, edition, "yyyy-MM-dd HH:mm")
        place = f"{localized(theater, 'name')}, {localized(theater.venue, 'name')}" if theater else ""
        page = public_url("programme.event", slug=edition.slug, event_id=event.id)
        if registration.status == CONFIRMED:
            subject = str(_l("Your seat: %(title)s", title=title))
            lead = _l("You have a seat at %(title)s.", title=title)
        else:
            subject = str(_l("Waiting list: %(title)s", title=title))
            lead = _l(
                "%(title)s is full; you are number %(n)s on the waiting list. We write again if a seat "
                "becomes free.",
                title=title,
                n=waiting_position(registration),
            )
        body = "\n".join(
            str(line)
            for line in (
                lead,
                "",
                _l("When: %(when)s (%(tz)s)", when=when, tz=edition.timezone),
                _l("Where: %(place)s", place=place) if place else "",
                "",
                _l("Cancel or see your registration: %(url)s", url=page),
            )
        )
    send_mail(to=user.email, subject=subject, body=body, kind="event_registration")
