"""Who may do what in the review area (predicates; views call them after loading the object)."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, Entry, Review, User
from festival.models.enums import ReviewStatus, Role
from festival.review import queries
from festival.submissions.permissions import IMAGE_VIEWERS


def curator_may_see(user: User | None, entry: Entry) -> bool:
    """True for a curator who may see the entry in the review area (its panel or an assignment, and no
    conflict of interest). The submissions area asks it (IMAGE_VIEWERS) before it shows the images."""
    if user is None or not is_curator(user):
        return False
    edition = db.session.get(Edition, entry.edition_id)
    stmt = queries.visible_entries_for(user, edition).where(Entry.id == entry.id)
    return db.session.scalar(sa.select(stmt.exists())) is True


# The curators who may review an entry may load its poster and stills (the submissions area's images).
IMAGE_VIEWERS.append(curator_may_see)


def is_curator(user: User) -> bool:
    """True for curator accounts."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.CURATOR)


def can_review(user: User, entry: Entry) -> bool:
    """A curator may score an entry they can see (the caller loaded it through the conflict filter)."""
    return is_curator(user)


def can_see_all_reviews(user: User, own_review: Review | None) -> bool:
    """Staff always; a curator only after submitting their own review of the entry."""
    if user.is_staff:
        return True
    return own_review is not None and own_review.status == ReviewStatus.SUBMITTED


def leads_panel_of(user: User, entry: Entry) -> bool:
    """True when the user leads the panel the entry belongs to."""
    panel = queries.panel_of(entry)
    return panel is not None and any(m.user_id == user.id and m.is_lead for m in panel.members)


def can_decide(user: User, entry: Entry) -> bool:
    """Staff, or the lead curator of the entry's panel (the entry was loaded through the conflict filter)."""
    if user.is_staff:
        return True
    return is_curator(user) and leads_panel_of(user, entry)
