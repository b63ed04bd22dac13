"""Shorts programmes: short films grouped to screen as one item of the timetable (issue 18)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.types import AwareDateTime, utcnow

if TYPE_CHECKING:
    from festival.models.entry import Entry


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
