"""Events of an edition beside its films (forum sessions, talks, ceremonies; and the blocks that keep a
theater from films), their speakers and the visitors registered for them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from festival.extensions import db
from festival.models.edition import Edition
from festival.models.enums import (
    Audience,
    EventKind,
    RegistrationStatus,
    SpeakerStatus,
    enum_column,
)
from festival.models.types import AwareDateTime, utcnow

if TYPE_CHECKING:
    from festival.models.entry import Entry
    from festival.models.user import User
    from festival.models.venue import Theater


class Event(db.Model):
    """Something that happens at a time, usually in a theater, other than a screening.

    An event with a theater and a time keeps films out of that theater for that time (the solver reads it
    as the theater's ``unavailable`` period). A **block** is an event that is not ``public`` (maintenance,
    a private rehearsal): the venue pages keep it. A public event is on the programme. An event may wait
    without a time (``start`` null) inside a window (``window_start``..``window_end``, ``duration_minutes``)
    until staff place it. ``seats_taken`` counts confirmed registrations; the database holds it at or
    below ``capacity`` (festival.events.registrations)."""

    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint('(start IS NULL) = ("end" IS NULL)', name="time_whole"),
        sa.CheckConstraint('start IS NULL OR start < "end"', name="ordered"),
        sa.CheckConstraint(
            "window_start IS NULL OR (window_end IS NOT NULL AND window_start < window_end)",
            name="window_ordered",
        ),
        sa.CheckConstraint("start IS NOT NULL OR window_start IS NOT NULL", name="time_or_window"),
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "seats_taken >= 0 AND (capacity IS NULL OR seats_taken <= capacity)", name="seats_within"
        ),
        sa.Index("ix_event_edition_start", "edition_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    theater_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("theater.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind, "event_kind"))
    title: Mapped[str | None] = mapped_column(sa.String(200))
    title_zh: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    description_zh: Mapped[str | None] = mapped_column(sa.Text)
    start: Mapped[datetime | None] = mapped_column(AwareDateTime())
    end: Mapped[datetime | None] = mapped_column(AwareDateTime())
    window_start: Mapped[datetime | None] = mapped_column(AwareDateTime())
    window_end: Mapped[datetime | None] = mapped_column(AwareDateTime())
    duration_minutes: Mapped[int | None]
    public: Mapped[bool] = mapped_column(default=False)
    recurring: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]
    seats_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    registration_required: Mapped[bool] = mapped_column(default=False)
    audience: Mapped[Audience | None] = mapped_column(enum_column(Audience, "event_audience"))
    language: Mapped[str | None] = mapped_column(sa.String(40))
    # the film shown right before the event in the same theater (a screening followed by a talk)
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    # the public programme's caches and validators follow it (festival.events.queries.events_stamp)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    theater: Mapped[Theater | None] = relationship(back_populates="events")
    entry: Mapped[Entry | None] = relationship()
    speakers: Mapped[list[EventSpeaker]] = relationship(
        back_populates="event", order_by="EventSpeaker.position", cascade="all, delete-orphan"
    )

    @property
    def placed(self) -> bool:
        """Whether the event has its time (and so keeps its theater from films)."""
        return self.start is not None

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind.value} {self.title or ''}>"


class Speaker(db.Model):
    """A person who speaks at events: invited by e-mail, their account attached once they accept; they
    keep their bilingual bio and photo themselves."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str | None] = mapped_column(sa.String(120))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), unique=True)
    affiliation: Mapped[str | None] = mapped_column(sa.String(200))
    bio: Mapped[str | None] = mapped_column(sa.Text)
    bio_zh: Mapped[str | None] = mapped_column(sa.Text)
    photo_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    photo_mime: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    user: Mapped[User | None] = relationship()
    events: Mapped[list[EventSpeaker]] = relationship(back_populates="speaker", cascade="all, delete-orphan")


class EventSpeaker(db.Model):
    """A speaker's part in one event: invited, then confirmed or declined by the speaker."""

    __tablename__ = "event_speaker"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[SpeakerStatus] = mapped_column(
        enum_column(SpeakerStatus, "speaker_status"), default=SpeakerStatus.INVITED
    )
    position: Mapped[int] = mapped_column(default=0)
    invitation_id: Mapped[int | None]
    answered_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    event: Mapped[Event] = relationship(back_populates="speakers")
    speaker: Mapped[Speaker] = relationship(back_populates="events")


class EventRegistration(db.Model):
    """A visitor's place at an event that needs registration: confirmed (holding one of its seats),
    waiting (in order of ``queued_at``) or cancelled. One row per visitor and event."""

    __tablename__ = "event_registration"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_registration_event_user"),
        sa.Index("ix_event_registration_event_status", "event_id", "status", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    queued_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User] = relationship()


@sa.event.listens_for(Session, "before_flush")
def _note_event_changes(session: Session, _context, _instances) -> None:
    """Stamp ``Edition.events_changed_at`` whenever an event of the edition is added, changed or deleted,
    wherever that happens (services, the online switch, the demo): the public pages' Last-Modified follows
    it, so a deleted event, which leaves no row to date, still makes the pages newer."""
    changed = {e.edition_id for e in session.new if isinstance(e, Event)}
    changed |= {e.edition_id for e in session.deleted if isinstance(e, Event)}
    changed |= {e.edition_id for e in session.dirty if isinstance(e, Event) and session.is_modified(e)}
    now = utcnow()
    with session.no_autoflush:
        for edition_id in changed - {None}:
            edition = session.get(Edition, edition_id)
            if edition is not None:
                edition.events_changed_at = now
