"""Who may see what of an entry. Changing an entry is only ever for its owner (see services)."""

from __future__ import annotations

from festival.models import Entry, User
from festival.review.permissions import curator_may_see


def _is_staff(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)


def can_view_entry(user: User | None, entry: Entry) -> bool:
    """The owner and festival staff (staff, admin) may open an entry's page."""
    return entry.is_owned_by(user) or _is_staff(user)


def can_view_images(user: User | None, entry: Entry) -> bool:
    """Who may load an entry's poster and stills: the owner, staff, and the curators who may review
    the entry (its panel or an assignment), never a curator with a conflict of interest."""
    return can_view_entry(user, entry) or curator_may_see(user, entry)
