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
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

import scheduler
from festival import audit
from festival.errors import InvalidInput, InvalidTransition, NotAllowed, StaleEdit
from festival.extensions import db
from festival.models import Edition, Scenario, Screening, SolveRun, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.schedule import adapter, changelog, runs
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
    """The edit would break hard rules; ``problems`` explains each in words, ``suggestions`` are the nearest
    valid starts for a refused move or addition (festival.schedule.suggest)."""

    def __init__(self, message: object, problems: list[Problem], suggestions: list | None = None):
        super().__init__(message)
        self.problems = problems
        self.suggestions = list(suggestions or [])


class PublishBlocked(InvalidInput):
    """Publishing is refused: hard-rule problems, or warnings not acknowledged."""

    def __init__(self, message: object, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems


# ---------------------------------------------------------------- reads


def drafts_statement(edition: Edition) -> sa.Select:
    """The edition's drafts, newest first (a statement, for paging)."""
    return (
        sa.select(TimetableVersion)
        .where(TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.DRAFT)
        .order_by(TimetableVersion.draft_number.desc())
    )


def drafts_of(edition: Edition) -> list[TimetableVersion]:
    """The edition's drafts, newest first."""
    return list(db.session.scalars(drafts_statement(edition)))


def published_versions(edition: Edition) -> list[TimetableVersion]:
    """The edition's published and superseded versions, the newest number first."""
    stmt = (
        sa.select(TimetableVersion)
        .where(
            TimetableVersion.edition_id == edition.id,
            TimetableVersion.status.in_((VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)),
        )
        .order_by(TimetableVersion.number.desc())
    )
    return list(db.session.scalars(stmt))


def versions_of(edition: Edition) -> list[TimetableVersion]:
    """Every version of the edition: published first, then superseded by number, then drafts newest first
    (scenarios' results are not among them: festival.schedule.scenarios)."""
    stmt = sa.select(TimetableVersion).where(
        TimetableVersion.edition_id == edition.id, TimetableVersion.status != VersionStatus.SCENARIO
    )
    versions = list(db.session.scalars(stmt))
    order = {VersionStatus.PUBLISHED: 0, VersionStatus.DRAFT: 1, VersionStatus.SUPERSEDED: 2}
    return sorted(versions, key=lambda v: (order[v.status], -(v.number or 0), -v.id))


def published_version(edition: Edition) -> TimetableVersion | None:
    """The edition's public version, if any."""
    return adapter.latest_published(edition)


def current_draft(edition: Edition) -> TimetableVersion | None:
    """The newest draft of the edition, if any."""
    return adapter.current_draft(edition)


def version_name(version: TimetableVersion) -> str:
    """What staff call a version: "Draft 3", or "Version 2" once published (with its label, if any)."""
    if version.status == VersionStatus.DRAFT:
        name = _("Draft %(number)s", number=version.draft_number)
    elif version.status == VersionStatus.SCENARIO:
        name = _("Scenario result")
    else:
        name = _("Version %(number)s", number=version.number)
    return f"{name} · {version.label}" if version.label else name


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
                programme_id=s.programme_id,
                theater_id=s.theater_id,
                start=s.start,
                end=s.end,
                pinned=s.pinned,
                expected_attendance=s.expected_attendance,
                print_number=s.print_number,
            )
            for s in rows
        )
        db.session.flush()
    audit.record(draft, actor=actor, action="timetable.draft_created", new={"based_on": draft.based_on_id})
    return draft


@dataclass(frozen=True)
class DraftRow:
    """A line of the drafts list: the draft, where it came from, its size and worth, what it changes."""

    draft: TimetableVersion
    screenings: int
    objective: int | None
    attendance: int | None
    changes: changelog.Counts | None  # against the public version (None: nothing is published)


def draft_rows(edition: Edition, drafts: Iterable[TimetableVersion]) -> list[DraftRow]:
    """The drafts list's lines: screenings, the objective as the solver counts it (attendance minus the
    shortfall and move costs, against the public version) and the screenings each adds, removes and moves
    against the public version."""
    drafts = list(drafts)
    published = published_version(edition)
    counts = screening_counts(drafts)
    try:
        instance = adapter.parse(adapter.build_instance(edition, keep_pins=False))
    except adapter.InstanceBuildError:  # the edition's data cannot be checked now: no objective to show
        instance = None
    rows = []
    for draft in drafts:
        report = scheduler.check_json(instance, adapter.schedule_json_of(draft)) if instance else None
        rows.append(
            DraftRow(
                draft,
                counts.get(draft.id, 0),
                report.objective if report else None,
                report.attendance if report else None,
                changelog.change_counts(published, draft) if published is not None else None,
            )
        )
    return rows


def discard_draft(draft: TimetableVersion, *, actor: User | None, lock: int | None) -> None:
    """Delete a draft and its screenings; runs, drafts and scenarios that came from it no longer name it.

    Raises VersionFrozen (published versions stay), StaleVersion, and InvalidTransition while a solver
    run that starts from the draft is queued or running (its result names the draft)."""
    check_editable(draft, lock)
    active = db.session.scalar(
        sa.select(SolveRun.id).where(SolveRun.base_version_id == draft.id, SolveRun.status.in_(runs.ACTIVE))
    )
    if active is not None:
        raise InvalidTransition(
            _l("Run %(id)s starts from this draft; wait until it ends, then delete the draft.", id=active)
        )
    for column in (SolveRun.base_version_id, SolveRun.result_version_id):
        db.session.execute(sa.update(SolveRun).where(column == draft.id).values({column.key: None}))
    db.session.execute(
        sa.update(TimetableVersion).where(TimetableVersion.based_on_id == draft.id).values(based_on_id=None)
    )
    db.session.execute(
        sa.update(Scenario).where(Scenario.base_version_id == draft.id).values(base_version_id=None)
    )
    audit.record(
        draft, actor=actor, action="timetable.draft_discarded",
        old={"draft": draft.draft_number, "screenings": screening_counts([draft]).get(draft.id, 0)},
    )  # fmt: skip
    db.session.delete(draft)
    db.session.flush()


def check_editable(version: TimetableVersion, lock: int | None) -> None:
    """Raise VersionFrozen for a published/superseded version (or a scenario's result), StaleVersion when
    ``lock`` is outdated."""
    if version.status == VersionStatus.SCENARIO:
        raise VersionFrozen(_l("A scenario's result is never edited; make it the draft to change it."))
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
    """Count a hand edit of the draft and bump its lock (concurrent edits of the same draft conflict)."""
    version.hand_edits = (version.hand_edits or 0) + 1
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _l("Someone else changed this draft at the same moment. Nothing was saved; please look again.")
        ) from None
