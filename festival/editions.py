"""Reads about editions used across the site."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context

from festival.extensions import db
from festival.models import Edition, TimetableVersion
from festival.models.enums import EditionStatus, VersionStatus
from festival.models.types import utcnow


def open_editions() -> list[Edition]:
    """Editions whose call for entries is open now."""
    stmt = (
        sa.select(Edition)
        .where(Edition.status == EditionStatus.OPEN, Edition.entry_deadline > utcnow())
        .order_by(Edition.entry_deadline)
    )
    return list(db.session.scalars(stmt))


def current_edition() -> Edition | None:
    """The edition the site shows by default: the latest with a published timetable, else the newest.

    Computed once per request (the header and the page both ask)."""
    if has_request_context():
        if "current_edition" not in g:
            g.current_edition = _find_current_edition()
        return g.current_edition
    return _find_current_edition()


def _find_current_edition() -> Edition | None:
    # one round trip: editions with a published timetable first, then the latest screening window
    has_programme = (
        sa.select(TimetableVersion.id)
        .where(TimetableVersion.edition_id == Edition.id, TimetableVersion.status == VersionStatus.PUBLISHED)
        .exists()
    )
    stmt = (
        sa.select(Edition)
        .where(Edition.status != EditionStatus.DRAFT)
        .order_by(has_programme.desc(), Edition.first_day.desc(), Edition.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()
