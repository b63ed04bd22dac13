"""Shorts programmes: short films grouped to screen as one item of the timetable (issue 18)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.types import AwareDateTime, one_active_per_edition, utcnow

if TYPE_CHECKING:
    from festival.models.edition import Edition
    from festival.models.entry import Entry
    from festival.models.enums import FilmFormat


class ShortsProgramme(db.Model):
    """A programme of short films of one edition: a bilingual title and note, its films in screening
    order (``entries``). The timetable schedules it as one film (``p<id>``); its screenings carry
    ``Screening.programme_id`` instead of an entry."""

    __tablename__ = "shorts_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    title_en: Mapped[str] = mapped_column(sa.String(200))
    title_zh: Mapped[str | None] = mapped_column(sa.String(200))
    note_en: Mapped[str | None] = mapped_column(sa.Text)
    note_zh: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    edition: Mapped[Edition] = relationship()
    entries: Mapped[list[ShortsProgrammeEntry]] = relationship(
        back_populates="programme",
        order_by="ShortsProgrammeEntry.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def title(self) -> str:
        """The English title (``festival.navigation.localized`` reads ``title`` and ``title_zh``)."""
        return self.title_en

    @property
    def note(self) -> str | None:
        return self.note_en

    @property
    def display_title(self) -> str:
        return self.title_en or self.title_zh or f"#{self.id}"

    @property
    def films(self) -> list[Entry]:
        """The member films in screening order."""
        return [member.entry for member in self.entries]

    # What a page or an export shows of the item a screening shows, named as an entry names it (a
    # screening's ``item`` is its entry or its programme): titles, format, running time.

    @property
    def title_original(self) -> str:
        return self.title_en

    @property
    def reference(self) -> str | None:
        return None

    @property
    def format(self) -> FilmFormat | None:
        """Its films' format (they share one)."""
        films = self.films
        return films[0].format if films else None

    @property
    def runtime_minutes(self) -> int:
        """Its films and the edition's gap between two films."""
        films = self.films
        gaps = self.edition.programme_gap_minutes * max(0, len(films) - 1)
        return sum(e.runtime_minutes or 0 for e in films) + gaps

    @property
    def audiences(self) -> list[str]:
        return sorted({a for e in self.films for a in e.audiences or ()})


class ShortsProgrammeEntry(db.Model):
    """One film of a programme at its place in the screening order; a film is in one programme at most."""

    __tablename__ = "shorts_programme_entry"
    __table_args__ = (sa.UniqueConstraint("entry_id", name="uq_shorts_programme_entry_entry_id"),)

    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shorts_programme.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)

    programme: Mapped[ShortsProgramme] = relationship(back_populates="entries")
    entry: Mapped[Entry] = relationship()


class ShortsProposal(db.Model):
    """A proposal of shorts programmes made in the background (the job queue's ``propose_shorts`` task,
    festival.schedule.shorts): its state (``queued``, ``running``, ``finished``, ``failed``) and, once
    finished, what it made and left out (``result``: ``{"programmes": [ids], "left_out": [{"entry",
    "reason", "minutes"}], "optimal"}``; the reasons are the proposer's codes, worded when shown)."""

    __tablename__ = "shorts_proposal"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'running', 'finished', 'failed')", name="status_known"),
        # One active proposal per edition, held by the database: two presses at once make one proposal.
        one_active_per_edition("uq_shorts_proposal_active_edition"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)
    worker: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")
