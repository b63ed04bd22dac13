"""Timetable versions: the drafts and published versions of an edition, and the lock every edit takes.

The model follows pretalx: drafts are working copies that staff edit and solver runs produce;
publishing (``festival.schedule.publishing``) freezes a draft as the next numbered public version. A
published or superseded version is never edited: to change the programme, copy it into a new draft
and publish that. Drafts carry an optimistic lock (``TimetableVersion.version``): a form sends the
number it was rendered with, and a draft changed meanwhile by someone else raises ``StaleVersion``
instead of being silently overwritten. Edits are checked in ``festival.schedule.edits``.

Services flush, never commit; views commit once and roll back on a refusal (``festival.errors``).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from festival import audit
from festival.errors import InvalidInput, NotAllowed, StaleEdit
from festival.extensions import db
from festival.models import Edition, Screening, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.schedule import adapter
from festival.schedule.problems import Problem

# ---------------------------------------------------------------- errors


class VersionFrozen(NotAllowed):
    """The version is published or superseded and can no longer change."""


class StaleVersion(StaleEdit):
    """The draft changed since the form was rendered (someone else edited it)."""

    default = _l(
        "Someone else changed this draft since you opened it. "
        "Nothing was saved; please look again and redo your change."
    )


class EditRejected(InvalidInput):
    """The edit would break hard rules; ``problems`` explains each in words."""

    def __init__(self, message: object, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


class PublishBlocked(InvalidInput):
    """Publishing is refused: hard-rule problems, or warnings not acknowledged."""

    def __init__(self, message: object, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


# ---------------------------------------------------------------- reads


def versions_of(edition: Edition) -> list[TimetableVersion]:
    """Every version of the edition: published first, then superseded by number, then drafts newest first."""
    stmt = sa.select(TimetableVersion).where(TimetableVersion.edition_id == edition.id)
    versions = list(db.session.scalars(stmt))
    order = {VersionStatus.PUBLISHED: 0, VersionStatus.DRAFT: 1, VersionStatus.SUPERSEDED: 2}
    return sorted(versions, key=lambda v: (order[v.status], -(v.number or 0), -v.id))


def published_version(edition: Edition) -> TimetableVersion | None:
    """The edition's public version, if any."""
    return adapter.latest_published(edition)


def current_draft(edition: Edition) -> TimetableVersion | None:
    """The newest draft of the edition, if any."""
    return adapter.current_draft(edition)


def screening_counts(versions: Iterable[TimetableVersion]) -> dict[int, int]:
    """Number of screenings of each version (one grouped query)."""
    ids = [v.id for v in versions]
    if not ids:
        return {}
    stmt = (
        sa.select(Screening.timetable_id, sa.func.count())
        .where(Screening.timetable_id.in_(ids))
        .group_by(Screening.timetable_id)
    )
    return {row[0]: row[1] for row in db.session.execute(stmt)}


# ---------------------------------------------------------------- drafts


def create_draft(
    edition: Edition,
    *,
    actor: User | None,
    based_on: TimetableVersion | None = None,
    label: str | None = None,
) -> TimetableVersion:
    """A new draft of the edition: empty, or a copy of ``based_on`` (screenings, pins, attendance)."""
    if based_on is not None and based_on.edition_id != edition.id:
        raise InvalidInput(_l("That version belongs to another edition."))
    draft = TimetableVersion(
        edition_id=edition.id,
        status=VersionStatus.DRAFT,
        label=label or None,
        based_on_id=based_on.id if based_on is not None else None,
        created_by_id=actor.id if actor else None,
        changelog=[],
    )
    db.session.add(draft)
    db.session.flush()
    if based_on is not None:
        rows = db.session.scalars(sa.select(Screening).where(Screening.timetable_id == based_on.id))
        db.session.add_all(
            Screening(
                timetable_id=draft.id,
                entry_id=s.entry_id,
                theater_id=s.theater_id,
                start=s.start,
                end=s.end,
                pinned=s.pinned,
                expected_attendance=s.expected_attendance,
            )
            for s in rows
        )
        db.session.flush()
    audit.record(draft, actor=actor, action="timetable.draft_created", new={"based_on": draft.based_on_id})
    return draft


def check_editable(version: TimetableVersion, lock: int | None) -> None:
    """Raise VersionFrozen for a published/superseded version, StaleVersion when ``lock`` is outdated."""
    if version.status != VersionStatus.DRAFT:
        raise VersionFrozen(
            _l(
                "Version %(number)s is published and frozen; copy it into a new draft to change it.",
                number=version.number,
            )
        )
    if lock is not None and lock != version.version:
        raise StaleVersion()


def touch(version: TimetableVersion) -> None:
    """Bump the draft's lock so that concurrent edits of the same draft conflict."""
    flag_modified(version, "changelog")
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _l("Someone else changed this draft at the same moment. Nothing was saved; please look again.")
        ) from None
