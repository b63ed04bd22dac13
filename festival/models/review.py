"""Curator panels, assignments, conflicts of interest, reviews and decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from festival.extensions import db
from festival.models.enums import (
    ConflictKind,
    DecisionOutcome,
    FilmFormat,
    ReviewStatus,
    enum_column,
)
from festival.models.types import AwareDateTime, utcnow
from festival.namekeys import name_key

if TYPE_CHECKING:
    from festival.models.entry import Entry
    from festival.models.user import User


class Panel(db.Model):
    """A jury of curators, usually one per film format."""

    __tablename__ = "panel"
    __table_args__ = (sa.UniqueConstraint("edition_id", "name", name="uq_panel_edition_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    format: Mapped[FilmFormat | None] = mapped_column(enum_column(FilmFormat, "panel_format"))

    members: Mapped[list[PanelMember]] = relationship(back_populates="panel", cascade="all, delete-orphan")


class PanelMember(db.Model):
    """A curator's seat on a panel; the lead decides."""

    __tablename__ = "panel_member"
    __table_args__ = (sa.UniqueConstraint("panel_id", "user_id", name="uq_panel_member_panel_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    panel: Mapped[Panel] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class PanelEntry(db.Model):
    """Staff's choice of panel for an entry; without one, the entry goes to the panel of its format."""

    __tablename__ = "panel_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), unique=True)
    panel_id: Mapped[int] = mapped_column(sa.ForeignKey("panel.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    panel: Mapped[Panel] = relationship()


class Assignment(db.Model):
    """An entry given to a curator (or to a panel) for review."""

    __tablename__ = "assignment"
    __table_args__ = (sa.UniqueConstraint("entry_id", "curator_id", name="uq_assignment_entry_curator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    curator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    panel_id: Mapped[int | None] = mapped_column(sa.ForeignKey("panel.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    entry: Mapped[Entry] = relationship()
    curator: Mapped[User] = relationship()


class Conflict(db.Model):
    """A curator's declared conflict of interest with an entry, a company, a person or a country."""

    __tablename__ = "conflict"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'entry' AND entry_id IS NOT NULL) OR (kind != 'entry' AND value IS NOT NULL)",
            name="target_present",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id"), index=True)
    curator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[ConflictKind] = mapped_column(enum_column(ConflictKind, "conflict_kind"))
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"))
    value: Mapped[str | None] = mapped_column(sa.String(200))
    # name_key(value) (festival.namekeys): what the conflicted predicate compares
    value_key: Mapped[str | None] = mapped_column(sa.String(200))
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    @validates("value")
    def _keep_value_key(self, field: str, value: str | None) -> str | None:
        self.value_key = name_key(value)[:200] or None
        return value


class Review(db.Model):
    """A curator's scores and comments for one entry."""

    __tablename__ = "review"
    __table_args__ = (sa.UniqueConstraint("entry_id", "curator_id", name="uq_review_entry_curator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    curator_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(
        enum_column(ReviewStatus, "review_status"), default=ReviewStatus.DRAFT
    )
    scores: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    private_note: Mapped[str | None] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    entry: Mapped[Entry] = relationship()
    curator: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}


class Decision(db.Model):
    """The selection outcome for an entry; a draft until staff release it."""

    __tablename__ = "decision"
    __table_args__ = (
        sa.CheckConstraint(
            "outcome != 'accepted' OR (min_screenings IS NOT NULL AND max_screenings IS NOT NULL "
            "AND popularity IS NOT NULL)",
            name="accepted_has_screenings",
        ),
        sa.CheckConstraint(
            "min_screenings IS NULL OR max_screenings IS NULL OR min_screenings <= max_screenings",
            name="screenings_ordered",
        ),
        sa.CheckConstraint(
            "not_before IS NULL OR not_after IS NULL OR not_before <= not_after", name="dates_ordered"
        ),
        sa.CheckConstraint("prints IS NULL OR prints > 0", name="prints_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), unique=True)
    outcome: Mapped[DecisionOutcome] = mapped_column(enum_column(DecisionOutcome, "decision_outcome"))
    min_screenings: Mapped[int | None]
    max_screenings: Mapped[int | None]
    max_per_day: Mapped[int] = mapped_column(default=1)
    copies: Mapped[int] = mapped_column(default=1)
    # Theater features the screening copy needs (e.g. "3d", "motion_seats").
    requires: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    popularity: Mapped[int | None]
    not_before: Mapped[date | None]
    not_after: Mapped[date | None]
    # the physical prints (15/70 reels, dome masters on drives) that tour the venues; None: digital, shown
    # anywhere at once (``copies`` then limits the screenings at one moment). Each print: ``FilmPrint``.
    prints: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    released_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    entry: Mapped[Entry] = relationship()

    __mapper_args__ = {"version_id_col": version}
