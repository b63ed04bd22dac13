"""Reads of events used by several pages: the staff list, the programme, the feeds."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from festival.extensions import db
from festival.models import Edition, Event, EventSpeaker, Speaker, Theater
from festival.models.enums import SpeakerStatus


def edition_events(edition: Edition, *, public_only: bool = False, placed_only: bool = False) -> list[Event]:
    """The edition's events in time order (those still to be placed last), with theaters and speakers."""
    stmt = (
        sa.select(Event)
        .where(Event.edition_id == edition.id)
        .options(
            selectinload(Event.theater).selectinload(Theater.venue),
            selectinload(Event.speakers).selectinload(EventSpeaker.speaker),
            selectinload(Event.entry),
        )
        .order_by(Event.start.is_(None), Event.start, Event.window_start, Event.id)
    )
    if public_only:
        stmt = stmt.where(Event.public.is_(True))
    if placed_only:
        stmt = stmt.where(Event.start.is_not(None))
    return list(db.session.scalars(stmt))


def public_events(edition: Edition, *, start=None, end=None) -> list[Event]:
    """The edition's public events with a time (those the programme shows), optionally those starting in
    [start, end), in time order."""
    stmt = (
        sa.select(Event)
        .where(Event.edition_id == edition.id, Event.public.is_(True), Event.start.is_not(None))
        .options(
            selectinload(Event.theater).selectinload(Theater.venue),
            selectinload(Event.speakers).selectinload(EventSpeaker.speaker),
        )
        .order_by(Event.start, Event.id)
    )
    if start is not None:
        stmt = stmt.where(Event.start >= start, Event.start < end)
    return list(db.session.scalars(stmt))


def public_event(event_id: int, slug: str | None = None) -> Event | None:
    """A public event with a time (of the edition ``slug`` when given), or None."""
    event = db.session.get(Event, event_id)
    if event is None or not event.public or event.start is None:
        return None
    if slug is not None and db.session.get(Edition, event.edition_id).slug != slug:
        return None
    return event


def events_stamp(edition: Edition) -> tuple:
    """What the public pages' caches and validators follow of the edition's events: their number and
    the latest change (a change of any event, public or not, gives a new stamp)."""
    stmt = sa.select(sa.func.count(Event.id), sa.func.max(Event.updated_at)).where(
        Event.edition_id == edition.id
    )
    count, latest = db.session.execute(stmt).one()
    return (count, latest.isoformat() if latest is not None else "")


def confirmed_speakers(event: Event) -> list:
    """The event's speakers who confirmed, in their order."""
    return [part.speaker for part in event.speakers if part.status == SpeakerStatus.CONFIRMED]


def speaker_events(speaker: Speaker, edition: Edition) -> list[Event]:
    """The public events with a time of the edition at which the speaker confirmed, in time order."""
    stmt = (
        sa.select(Event)
        .join(EventSpeaker, EventSpeaker.event_id == Event.id)
        .where(
            EventSpeaker.speaker_id == speaker.id,
            EventSpeaker.status == SpeakerStatus.CONFIRMED,
            Event.edition_id == edition.id,
            Event.public.is_(True),
            Event.start.is_not(None),
        )
        .options(selectinload(Event.theater).selectinload(Theater.venue))
        .order_by(Event.start, Event.id)
    )
    return list(db.session.scalars(stmt))
