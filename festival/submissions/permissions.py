"""Who may see what of an entry. Changing an entry is only ever for its owner (see services)."""

from __future__ import annotations

from collections.abc import Callable

from festival.models import Entry, User

# Other areas may let more people load an entry's images: they add a predicate (user, entry) -> bool here,
# so this area imports none of them (the review area adds its curators: festival.review.permissions).
IMAGE_VIEWERS: list[Callable[[User | None, Entry], bool]] = []


def _is_staff(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)


def can_view_entry(user: User | None, entry: Entry) -> bool:
    """The owner and festival staff (staff, admin) may open an entry's page."""
    return entry.is_owned_by(user) or _is_staff(user)


def can_view_images(user: User | None, entry: Entry) -> bool:
    """Who may load an entry's poster and stills: the owner, staff, and whom another area adds (the
    curators who may review the entry, never one with a conflict of interest)."""
    return can_view_entry(user, entry) or any(may_see(user, entry) for may_see in IMAGE_VIEWERS)
