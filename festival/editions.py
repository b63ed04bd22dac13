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
    stmt = sa.select(Edition).where(Edition.status != EditionStatus.DRAFT).order_by(Edition.first_day)
    editions = list(db.session.scalars(stmt))
    if not editions:
        return None
    published = set(
        db.session.scalars(
            sa.select(TimetableVersion.edition_id).where(TimetableVersion.status == VersionStatus.PUBLISHED)
        )
    )
    with_programme = [e for e in editions if e.id in published]
    return (with_programme or editions)[-1]
