"""The audience's rows: an edition's audience settings, starred films (the wish-list), the days a visitor
can come, a visitor's plan of screenings, its private calendar feed, and the viewers' votes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.extensions import db
from festival.models.types import AwareDateTime, utcnow


class AudienceSettings(db.Model):
    """An edition's numbers for the audience features (one row per edition; defaults when there is none).

    ``expected_visitors``: how many people the edition expects in all (normalises the wishes, see
    festival.audience.demand); ``prior_strength``: how many wishes weigh as much as the curators'
    estimate; ``venue_travel_minutes`` / ``city_travel_minutes``: the least time between two planned
    screenings in different venues / cities; ``vote_after_any_screening``: a visitor may rate a film once
    any screening of it has started (else only after one in their plan)."""

    __tablename__ = "audience_settings"
    __table_args__ = (
        sa.CheckConstraint("expected_visitors >= 0", name="visitors_nonnegative"),
        sa.CheckConstraint("prior_strength > 0", name="strength_positive"),
        sa.CheckConstraint(
            "venue_travel_minutes >= 0 AND city_travel_minutes >= 0", name="travel_nonnegative"
        ),
    )

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), primary_key=True)
    expected_visitors: Mapped[int] = mapped_column(default=0)
    prior_strength: Mapped[float] = mapped_column(default=10.0)
    venue_travel_minutes: Mapped[int] = mapped_column(default=30)
    city_travel_minutes: Mapped[int] = mapped_column(default=240)
    vote_after_any_screening: Mapped[bool] = mapped_column(default=False)


class Star(db.Model):
    """A film a visitor wants to see: their wish-list before the timetable exists, their starred films
    after. One row per visitor and film."""

    __tablename__ = "film_star"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class VisitorDays(db.Model):
    """When a visitor can come to an edition: on weekdays or not, and which weekends (their Saturdays, ISO
    dates); no row: not said."""

    __tablename__ = "visitor_days"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("edition.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    weekdays: Mapped[bool] = mapped_column(default=True)
    weekends: Mapped[list[str]] = mapped_column(sa.JSON, default=list)


class PlanItem(db.Model):
    """A screening in a visitor's plan, by what identifies it across published versions (film, theater,
    start): a publication that moves it moves the item, one that cancels it removes the item (and the
    visitor gets a mail)."""

    __tablename__ = "plan_item"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "entry_id", "theater_id", "start", name="uq_plan_item_screening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    theater_id: Mapped[int] = mapped_column(sa.ForeignKey("theater.id", ondelete="CASCADE"))
    start: Mapped[datetime] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class PlanFeed(db.Model):
    """The secret address of a visitor's plan as a calendar feed: only a hash of its token is kept; a
    revoked or replaced feed answers 404."""

    __tablename__ = "plan_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class ViewerVote(db.Model):
    """A visitor's rating of a film for the viewers' prize: 1 to 5, once per visitor and film (the unique
    constraint holds it under any concurrency)."""

    __tablename__ = "viewer_vote"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "entry_id", name="uq_viewer_vote_user_entry"),
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("entry.id", ondelete="CASCADE"), index=True)
    score: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


# ---------------------------------------------------------------- the jury's awards


class AwardCategory(db.Model):
    """A jury award of an edition (bilingual), its nominees, and its result: the winner staff approve
    (after the quorum of ballots), then publish."""

    __tablename__ = "award_category"
    __table_args__ = (
        sa.CheckConstraint("quorum >= 0", name="quorum_nonnegative"),
        sa.CheckConstraint("published_at IS NULL OR winner_id IS NOT NULL", name="published_has_winner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    description_zh: Mapped[str | None] = mapped_column(sa.Text)
    # ballots needed before a result may be approved (0: more than half of the jurors who may vote)
    quorum: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    winner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("entry.id", ondelete="SET NULL"))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    published_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class JuryMember(db.Model):
    """A person on an edition's jury."""

    __tablename__ = "jury_member"

    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Nomination(db.Model):
    """An accepted film nominated for an award, with the jury's anonymous tally of votes for it."""

    __tablename__ = "nomination"
    __table_args__ = (sa.CheckConstraint("votes >= 0", name="votes_nonnegative"),)

    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("award_category.id", ondelete="CASCADE"), primary_key=True
    )
    entry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("entry.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    votes: Mapped[int] = mapped_column(default=0)


class JuryBallot(db.Model):
    """That a juror cast their ballot in a category, and when; not what they chose (the choice only adds
    one to a nomination's tally: the ballot is secret)."""

    __tablename__ = "jury_ballot"

    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("award_category.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    cast_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
