"""Reads of the venues area used by staff pages elsewhere (the edition a staff page works on)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from festival.editions import current_edition
from festival.extensions import db
from festival.models import Decision, Edition, Entry, Venue
from festival.models.enums import DecisionOutcome, EditionStatus


def staff_editions() -> list[Edition]:
    """Editions staff may work on (all but archived), newest screening window first."""
    stmt = (
        sa.select(Edition).where(Edition.status != EditionStatus.ARCHIVED).order_by(Edition.first_day.desc())
    )
    return list(db.session.scalars(stmt))


def _has_programme_data(edition: Edition) -> bool:
    venues = sa.select(Venue.id).where(Venue.edition_id == edition.id)
    accepted = (
        sa.select(Entry.id)
        .join(Decision, Decision.entry_id == Entry.id)
        .where(Entry.edition_id == edition.id, Decision.outcome == DecisionOutcome.ACCEPTED)
    )
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(venues), sa.exists(accepted)))))


def staff_edition(slug: str | None) -> Edition:
    """The edition named by ``slug`` (404 if unknown); without one, the newest edition that has venues
    or accepted films, else the site's current edition (404 when there is no edition at all)."""
    if slug:
        edition = db.session.scalar(sa.select(Edition).where(Edition.slug == slug))
        if edition is None:
            abort(404)
        return edition
    for edition in staff_editions():
        if _has_programme_data(edition):
            return edition
    edition = current_edition()
    if edition is None:
        abort(404)
    return edition
