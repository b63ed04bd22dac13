"""Venues and their theaters (what happens in a theater besides films: festival.models.event)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db

if TYPE_CHECKING:
    from festival.models.event import Event

# What a code may look like wherever one enters (the venue forms, an instance import): it ends up in
# addresses, file names and calendar files, so it is plain lower-case ASCII, at most 40 characters.
CODE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")  # a venue's or a theater's code (fullmatch)
FEATURE_PATTERN = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")  # a theater's feature, a film's required one


class Venue(db.Model):
    """A building with opening hours, e.g. the China Science and Technology Museum.

    ``hours`` maps weekday keys (mon..sun) to lists of ["HH:MM", "HH:MM"] intervals,
    ``closed_dates`` lists ISO dates and ``special_hours`` maps ISO dates to intervals,
    exactly as in the scheduler's instance format.

    ``city`` is a plain key (``beijing``, ``hefei``): the solver's cities are these keys, and the transit
    days between two cities are looked up by them. ``is_partner`` marks an alliance partner museum (the
    edition's own museum is not a partner). The contact is whom staff call about the venue's rooms.
    """

    __tablename__ = "venue"
    __table_args__ = (sa.UniqueConstraint("edition_id", "code", name="uq_venue_edition_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    hours: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    closed_dates: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    special_hours: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    city: Mapped[str] = mapped_column(sa.String(40), default="")
    is_partner: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))

    theaters: Mapped[list[Theater]] = relationship(
        back_populates="venue", order_by="Theater.position", cascade="all, delete-orphan"
    )


class Theater(db.Model):
    """A screen in a venue with what it can show, or (``online``) a streaming channel of an online edition:
    one screening is a window of ``window_minutes`` in which ``seats`` ticket holders may watch it, and the
    formats it streams are the edition's ``stream_formats``."""

    __tablename__ = "theater"
    __table_args__ = (
        sa.UniqueConstraint("venue_id", "code", name="uq_theater_venue_code"),
        sa.CheckConstraint("seats > 0", name="seats_positive"),
        sa.CheckConstraint("changeover_minutes >= 0", name="changeover_nonnegative"),
        sa.CheckConstraint("start_step_minutes > 0", name="step_positive"),
        sa.CheckConstraint("NOT online OR window_minutes > 0", name="online_has_window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(sa.ForeignKey("venue.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    seats: Mapped[int]
    formats: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    features: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    changeover_minutes: Mapped[int] = mapped_column(default=0)
    start_step_minutes: Mapped[int] = mapped_column(default=5)
    position: Mapped[int] = mapped_column(default=0)
    online: Mapped[bool] = mapped_column(default=False)
    window_minutes: Mapped[int | None]

    venue: Mapped[Venue] = relationship(back_populates="theaters")
    # every event in the theater, blocks included (an event keeps the theater from films while it lasts)
    events: Mapped[list[Event]] = relationship(
        back_populates="theater", order_by="(Event.start, Event.id)", cascade="all, delete-orphan"
    )


class VenueManagerVenue(db.Model):
    """The venues a venue manager looks after (the scope of the venue_manager role)."""

    __tablename__ = "venue_manager_venue"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    venue_id: Mapped[int] = mapped_column(
        sa.ForeignKey("venue.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class FilmPrint(db.Model):
    """One physical print of an accepted film (``Decision.prints`` of them, numbered 1..n) and the venue it
    is at when the screening window opens, if staff know it."""

    __tablename__ = "film_print"
    __table_args__ = (
        sa.UniqueConstraint("entry_id", "number", name="uq_film_print_entry_number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    start_venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venue.id", ondelete="SET NULL"))

    start_venue: Mapped[Venue | None] = relationship()


class TransitDays(db.Model):
    """The whole days a print needs between two cities of an edition, both ways, where they differ from the
    edition's ``transit_days_default``. The pair is kept in order (``city_a < city_b``)."""

    __tablename__ = "transit_days"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "city_a", "city_b", name="uq_transit_days_edition_pair"),
        sa.CheckConstraint("city_a < city_b", name="pair_ordered"),
        sa.CheckConstraint("days >= 0", name="days_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    city_a: Mapped[str] = mapped_column(sa.String(40))
    city_b: Mapped[str] = mapped_column(sa.String(40))
    days: Mapped[int]
