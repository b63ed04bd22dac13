"""Festival editions and their review rubric."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.localtime import DEFAULT_TIMEZONE
from festival.models.enums import EditionStatus, enum_column
from festival.models.types import AwareDateTime, utcnow

# what an edition's slug may look like: it is its public address (/programme/<slug>) and file names' stem
SLUG_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class Edition(db.Model):
    """One edition of the section: its call for entries and its screening window."""

    __tablename__ = "edition"
    __table_args__ = (sa.CheckConstraint("first_day <= last_day", name="window_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    section: Mapped[str] = mapped_column(sa.String(200))
    section_zh: Mapped[str | None] = mapped_column(sa.String(200))
    reference_prefix: Mapped[str] = mapped_column(sa.String(32))
    timezone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIMEZONE)
    entry_deadline: Mapped[datetime] = mapped_column(AwareDateTime())
    first_day: Mapped[date]
    last_day: Mapped[date]
    status: Mapped[EditionStatus] = mapped_column(
        enum_column(EditionStatus, "edition_status"), default=EditionStatus.OPEN
    )
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # Demand weights of the timetable objective, in the scheduler's "weights" format.
    schedule_weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="edition", order_by="RubricCriterion.position", cascade="all, delete-orphan"
    )

    @hybrid_method
    def call_open(self, now: datetime) -> bool:
        """Whether the call for entries takes entries at ``now`` (an aware instant): the edition is open and
        ``now`` is before its deadline. Half-open: at the deadline instant itself the call is closed.

        The one home of this rule, in Python and (below) as the SQL condition queries use; an edition's
        lifecycle and opening time belong here too."""
        return self.status == EditionStatus.OPEN and now < self.entry_deadline

    @call_open.inplace.expression
    @classmethod
    def _call_open_expression(cls, now: datetime) -> sa.ColumnElement[bool]:
        """The same rule as a SQL condition on ``Edition`` rows."""
        return sa.and_(cls.status == EditionStatus.OPEN, cls.entry_deadline > now)

    def __repr__(self) -> str:
        return f"<Edition {self.slug}>"


class RubricCriterion(db.Model):
    """One scored criterion of an edition's review rubric."""

    __tablename__ = "rubric_criterion"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "key", name="uq_rubric_criterion_edition_key"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
        sa.CheckConstraint("min_score < max_score", name="range_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(120))
    label_zh: Mapped[str | None] = mapped_column(sa.String(120))
    weight: Mapped[float] = mapped_column(default=1.0)
    min_score: Mapped[int] = mapped_column(default=1)
    max_score: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped[Edition] = relationship(back_populates="criteria")
