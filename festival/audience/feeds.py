"""A visitor's plan as a private calendar feed: a secret address (only a hash of its token is stored) that
calendar apps subscribe to; it follows the plan and the published programme, and can be revoked or
replaced at any time (the old address then answers 404)."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa

from festival.audience import plans
from festival.audience.services import ensure_visitor
from festival.extensions import db
from festival.models import Edition, PlanFeed, User
from festival.models.types import utcnow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def active_feed(user: User | None, edition: Edition) -> PlanFeed | None:
    if user is None:
        return None
    stmt = sa.select(PlanFeed).where(
        PlanFeed.user_id == user.id, PlanFeed.edition_id == edition.id, PlanFeed.revoked_at.is_(None)
    )
    return db.session.scalar(stmt)


def revoke(user: User, edition: Edition) -> None:
    """End the plan's feed address (nothing happens without one)."""
    ensure_visitor(user)
    feed = active_feed(user, edition)
    if feed is not None:
        feed.revoked_at = utcnow()
    db.session.flush()


def new_feed(user: User, edition: Edition) -> str:
    """A new secret feed address token for the plan (the previous one stops working); shown once."""
    revoke(user, edition)
    token = secrets.token_urlsafe(32)
    db.session.add(PlanFeed(user_id=user.id, edition_id=edition.id, token_hash=_hash(token)))
    db.session.flush()
    return token


def feed_plan(token: str) -> tuple[User, Edition, list] | None:
    """The owner, edition and planned public screenings of a live feed token; None for an unknown,
    revoked or replaced one, or an account that is no longer active."""
    if not token or len(token) > 100:
        return None
    feed = db.session.scalar(
        sa.select(PlanFeed).where(PlanFeed.token_hash == _hash(token), PlanFeed.revoked_at.is_(None))
    )
    if feed is None:
        return None
    user = db.session.get(User, feed.user_id)
    edition = db.session.get(Edition, feed.edition_id)
    if user is None or not user.active:
        return None
    return user, edition, plans.planned_screenings(user, edition)
