"""Festival editions and their review rubric."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.localtime import DEFAULT_TIMEZONE
from festival.models.enums import EditionStatus, HolidayKind, enum_column
from festival.models.types import AwareDateTime, utcnow

# what an edition's slug may look like: it is its public address (/programme/<slug>) and file names' stem
SLUG_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class Edition(db.Model):
    """One edition of the section: its call for entries and its screening window."""

    __tablename__ = "edition"
    __table_args__ = (
        sa.CheckConstraint("first_day <= last_day", name="window_ordered"),
        sa.CheckConstraint(
            "shorts_threshold_minutes > 0 AND programme_gap_minutes >= 0 "
            "AND 0 < programme_min_minutes AND programme_min_minutes <= programme_max_minutes",
            name="shorts_settings",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    section: Mapped[str] = mapped_column(sa.String(200))
    section_zh: Mapped[str | None] = mapped_column(sa.String(200))
    reference_prefix: Mapped[str] = mapped_column(sa.String(32))
    timezone: Mapped[str] = mapped_column(sa.String(64), default=DEFAULT_TIMEZONE)
    # the call takes entries from call_opens_at (None: once the edition is in call_open) until the deadline
    call_opens_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    entry_deadline: Mapped[datetime] = mapped_column(AwareDateTime())
    first_day: Mapped[date]
    last_day: Mapped[date]
    status: Mapped[EditionStatus] = mapped_column(
        enum_column(EditionStatus, "edition_status"), default=EditionStatus.DRAFT
    )
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    # the formats the call offers (FilmFormat values); empty: every format
    formats: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # the terms of entry a filmmaker accepts when submitting, in both languages (plain text)
    terms: Mapped[str | None] = mapped_column(sa.Text)
    terms_zh: Mapped[str | None] = mapped_column(sa.Text)
    # Demand weights of the timetable objective, in the scheduler's "weights" format; the demand settings
    # page writes it (festival.editions.demand.compose) from ``demand`` and the edition's holidays.
    schedule_weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # what staff typed on the demand settings page that is not in the scheduler's format: the weight of
    # a public holiday and of a make-up working day, school breaks as ranges (festival.editions.demand)
    demand: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # shorts programmes (festival.programme.shorts): a film of at most this many minutes is a short film;
    # a programme runs (its films and a gap between two films) between the minimum and the maximum
    shorts_threshold_minutes: Mapped[int] = mapped_column(default=30, server_default="30")
    programme_min_minutes: Mapped[int] = mapped_column(default=60, server_default="60")
    programme_max_minutes: Mapped[int] = mapped_column(default=90, server_default="90")
    programme_gap_minutes: Mapped[int] = mapped_column(default=2, server_default="2")
    # the days a print needs between two cities with no pair of their own (festival.models.TransitDays)
    transit_days_default: Mapped[int] = mapped_column(default=1)
    # the formats (FilmFormat values) an online channel can stream; 4D cannot (festival.schedule.online)
    stream_formats: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # when an event of the edition was last added, changed or deleted (festival.models.event's listener):
    # the public pages that show events take it as their Last-Modified when later than the publication
    events_changed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # the edition this one was copied from (its one-off blocks are listed to staff, not copied)
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("edition.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    copied_from: Mapped[Edition | None] = relationship(remote_side="Edition.id")
    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="edition", order_by="RubricCriterion.position", cascade="all, delete-orphan"
    )
    holidays: Mapped[list[EditionHoliday]] = relationship(
        back_populates="edition", order_by="EditionHoliday.day", cascade="all, delete-orphan"
    )

    @hybrid_method
    def call_open(self, now: datetime) -> bool:
        """Whether the call for entries takes entries at ``now`` (an aware instant): the edition is in its
        ``call_open`` state and ``now`` lies in ``[call_opens_at, entry_deadline)`` (no opening time: from
        the moment the call was opened). Half-open: at the deadline instant itself the call is closed.

        The one home of this rule, in Python and (below) as the SQL condition queries use."""
        return (
            self.status == EditionStatus.CALL_OPEN
            and (self.call_opens_at is None or self.call_opens_at <= now)
            and now < self.entry_deadline
        )

    @call_open.inplace.expression
    @classmethod
    def _call_open_expression(cls, now: datetime) -> sa.ColumnElement[bool]:
        """The same rule as a SQL condition on ``Edition`` rows."""
        return sa.and_(
            cls.status == EditionStatus.CALL_OPEN,
            sa.or_(cls.call_opens_at.is_(None), cls.call_opens_at <= now),
            cls.entry_deadline > now,
        )

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


class EditionHoliday(db.Model):
    """A public holiday of an edition's country in its screening window, or a make-up working day (a weekend
    day worked in exchange, 调休). Entered per edition: they change every year."""

    __tablename__ = "edition_holiday"
    __table_args__ = (sa.UniqueConstraint("edition_id", "day", name="uq_edition_holiday_edition_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    day: Mapped[date]
    name: Mapped[str] = mapped_column(sa.String(120))
    name_zh: Mapped[str | None] = mapped_column(sa.String(120))
    kind: Mapped[HolidayKind] = mapped_column(
        enum_column(HolidayKind, "holiday_kind"), default=HolidayKind.HOLIDAY
    )

    edition: Mapped[Edition] = relationship(back_populates="holidays")
