"""Reads of entries: by owner, by id with the permission check, and the staff table's filters."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from festival.extensions import db
from festival.models import Edition, Entry, User
from festival.models.enums import EntryStatus, FilmFormat, PremiereStatus
from festival.search import contains
from festival.submissions.permissions import can_view_entry

# An entry page needs the entry's edition (its deadline) and images (the poster check): one round trip.
ENTRY_PAGE_LOADS = (joinedload(Entry.edition), joinedload(Entry.images))


def owned_entry_or_404(user: User, entry_id: int) -> Entry:
    """The user's own entry; 404 for anyone else's, so other people's entries are not revealed."""
    entry = db.session.get(Entry, entry_id, options=ENTRY_PAGE_LOADS)
    if entry is None or not entry.is_owned_by(user):
        abort(404)
    return entry


def entry_for_owner_or_staff_or_404(user: User, entry_id: int) -> Entry:
    """An entry its owner or festival staff may look at (``can_view_entry``); 404 for anyone else."""
    entry = db.session.get(Entry, entry_id, options=ENTRY_PAGE_LOADS)
    if entry is None or not can_view_entry(user, entry):
        abort(404)
    return entry


def entries_of(user: User) -> list[Entry]:
    """A filmmaker's entries, newest edition first, then most recently changed."""
    stmt = (
        sa.select(Entry)
        .join(Entry.edition)
        .where(Entry.owner_id == user.id)
        .options(selectinload(Entry.images), selectinload(Entry.edition))
        .order_by(Edition.entry_deadline.desc(), Entry.updated_at.desc(), Entry.id.desc())
    )
    return list(db.session.scalars(stmt))


def all_editions() -> list[Edition]:
    """Every edition, newest call first (for filters)."""
    return list(db.session.scalars(sa.select(Edition).order_by(Edition.entry_deadline.desc())))


def countries(edition_id: int | None = None) -> list[str]:
    """The distinct countries entries give, for the staff filter."""
    stmt = sa.select(Entry.country).where(Entry.country.is_not(None)).distinct().order_by(Entry.country)
    if edition_id:
        stmt = stmt.where(Entry.edition_id == edition_id)
    return [c for c in db.session.scalars(stmt) if c]


# Every status but drafts: what staff see unless they ask for drafts (or for everything).
NOT_DRAFT = "not_draft"
ALL_STATUSES = "all"
SORTS = {
    "reference": (Entry.number, Entry.id),
    "title": (sa.func.lower(sa.func.coalesce(Entry.title_en, Entry.title_original)), Entry.id),
    "format": (Entry.format, Entry.id),
    "runtime": (Entry.runtime_minutes, Entry.id),
    "country": (Entry.country, Entry.id),
    "premiere": (Entry.premiere_status, Entry.id),
    "status": (Entry.status, Entry.id),
    "submitted": (Entry.submitted_at, Entry.id),
    "updated": (Entry.updated_at, Entry.id),
}


def _values(enum_cls) -> set[str]:
    return {member.value for member in enum_cls}


@dataclass(frozen=True)
class EntryFilter:
    """What the staff table shows; unknown or empty values mean "any"."""

    edition_id: int | None = None
    format: str = ""
    status: str = NOT_DRAFT
    country: str = ""
    premiere: str = ""
    q: str = ""
    sort: str = "reference"
    descending: bool = False

    def statement(self) -> sa.Select:
        """The SELECT of the matching entries in the chosen order."""
        stmt = sa.select(Entry).options(
            selectinload(Entry.edition), selectinload(Entry.owner), selectinload(Entry.images)
        )
        if self.edition_id:
            stmt = stmt.where(Entry.edition_id == self.edition_id)
        if self.format in _values(FilmFormat):
            stmt = stmt.where(Entry.format == FilmFormat(self.format))
        if self.status in _values(EntryStatus):
            stmt = stmt.where(Entry.status == EntryStatus(self.status))
        elif self.status != ALL_STATUSES:
            stmt = stmt.where(Entry.status != EntryStatus.DRAFT)
        if self.country:
            stmt = stmt.where(Entry.country == self.country)
        if self.premiere in _values(PremiereStatus):
            stmt = stmt.where(Entry.premiere_status == PremiereStatus(self.premiere))
        if self.q:
            stmt = stmt.where(
                contains(
                    self.q,
                    Entry.title_original,
                    Entry.title_en,
                    Entry.title_zh,
                    Entry.reference,
                    Entry.director,
                    Entry.production_company,
                )
            )
        columns = SORTS.get(self.sort, SORTS["reference"])
        order = [c.desc().nulls_last() if self.descending else c.asc().nulls_last() for c in columns]
        return stmt.order_by(*order)
