"""Who may manage which venue: the one predicate ``can_manage_venue`` and the scope rows of venue managers.

Staff and admins manage every venue; a venue manager only the venues of their ``venue_manager_venue``
rows (festival.models.venue.VenueManagerVenue). Every venue, theater, hours, block and event route a
manager may use asks ``can_manage_venue``; lists show ``manageable_venues``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from festival.editions import remember_edition, staff_edition, staff_editions
from festival.extensions import db
from festival.models import Edition, Screening, Theater, TimetableVersion, User, Venue
from festival.models.enums import Role
from festival.models.venue import VenueManagerVenue


def managed_venue_ids(user: User) -> set[int]:
    """The ids of the venues in the user's scope rows (whatever their roles)."""
    stmt = sa.select(VenueManagerVenue.venue_id).where(VenueManagerVenue.user_id == user.id)
    return set(db.session.scalars(stmt))


def can_manage_venue(user, venue: Venue | None) -> bool:
    """Whether ``user`` may edit ``venue``'s hours, theaters, closed days, blocks and events and see its
    timetable: staff and admins any venue, a venue manager the venues of their scope, nobody else."""
    if venue is None or user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.STAFF):
        return True
    return user.has_role(Role.VENUE_MANAGER) and venue.id in managed_venue_ids(user)


def manageable_venues(user, edition: Edition) -> list[Venue]:
    """The edition's venues ``user`` may manage (all for staff), by city, then code."""
    stmt = sa.select(Venue).where(Venue.edition_id == edition.id)
    if not user.has_role(Role.STAFF):
        if not user.has_role(Role.VENUE_MANAGER):
            return []
        stmt = stmt.where(Venue.id.in_(managed_venue_ids(user)))
    return list(db.session.scalars(stmt.order_by(Venue.city, Venue.code)))


def manager_editions(user: User) -> list[Edition]:
    """The editions in which a venue manager manages a venue, the newest first."""
    # ids through a subquery, not DISTINCT over whole rows: PostgreSQL has no equality for JSON columns
    managed = (
        sa.select(Venue.edition_id)
        .join(VenueManagerVenue, VenueManagerVenue.venue_id == Venue.id)
        .where(VenueManagerVenue.user_id == user.id)
    )
    newest_first = (Edition.first_day.desc(), Edition.id.desc())
    stmt = sa.select(Edition).where(Edition.id.in_(managed)).order_by(*newest_first)
    return list(db.session.scalars(stmt))


def managers_of(venue: Venue) -> list[User]:
    """The accounts whose scope holds the venue, by name."""
    stmt = (
        sa.select(User)
        .join(VenueManagerVenue, VenueManagerVenue.user_id == User.id)
        .where(VenueManagerVenue.venue_id == venue.id)
        .order_by(User.name, User.id)
    )
    return list(db.session.scalars(stmt))


def copy_scope(pairs: Iterable[tuple[Venue, Venue]]) -> int:
    """Give each (source venue, its copy) pair's copy the managers of the source; returns the rows added.
    The copies must be flushed (have ids)."""
    added = 0
    for source, copy in pairs:
        for user_id in db.session.scalars(
            sa.select(VenueManagerVenue.user_id).where(VenueManagerVenue.venue_id == source.id)
        ):
            db.session.add(VenueManagerVenue(user_id=user_id, venue_id=copy.id))
            added += 1
    db.session.flush()
    return added


def venue_screenings(version: TimetableVersion, venues: Iterable[Venue]) -> list[Screening]:
    """The version's screenings in the theaters of ``venues``, in time order, film and theater loaded."""
    ids = [v.id for v in venues]
    stmt = (
        sa.select(Screening)
        .join(Theater, Screening.theater_id == Theater.id)
        .where(Screening.timetable_id == version.id, Theater.venue_id.in_(ids))
        .options(joinedload(Screening.entry), joinedload(Screening.theater).joinedload(Theater.venue))
        .order_by(Screening.start, Theater.position, Screening.id)
    )
    return list(db.session.scalars(stmt))


def venue_edition(slug: str | None) -> tuple[Edition, list[Edition]]:
    """The edition a venue page works on and the editions to choose from: staff's (``staff_edition``), or
    for a venue manager those where they manage a venue (404 for another, or when they manage none)."""
    if current_user.has_role(Role.STAFF):
        return staff_edition(slug), staff_editions()
    editions = manager_editions(current_user)
    chosen = next((e for e in editions if e.slug == slug), None) if slug else None
    if chosen is None:
        if slug or not editions:
            abort(404)
        chosen = editions[0]
    remember_edition(chosen)
    return chosen, editions
