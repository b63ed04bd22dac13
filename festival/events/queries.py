"""Reads of events used by several pages: the staff list, the programme, the feeds."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from festival.extensions import db
from festival.models import Edition, Event, EventSpeaker, Theater


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
