"""Give the demo's 2021 edition a published timetable, made by the real solver and publish services."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, SolveRun, TimetableVersion, User
from festival.models.enums import RunStatus, VersionStatus


class DemoTimetableError(RuntimeError):
    """The demo timetable could not be generated or published."""


def publish_demo_timetable(edition: Edition, *, actor: User | None, time_limit: int = 5) -> TimetableVersion:
    """Solve the edition (keeping its pins), then publish the resulting draft as version 1; the draft that
    only held the pins is deleted (they live on in the published version, where re-solves take them from).

    Commits: the run must be committed before the job executes it, as in the app."""
    from festival.schedule import publishing, runs, versions

    run = runs.start_run(edition, actor=actor, time_limit=time_limit, keep_pins=True)
    db.session.commit()
    status = runs.execute_run(run.id)
    run = db.session.get(SolveRun, run.id)
    if status not in (RunStatus.FINISHED, RunStatus.STOPPED) or run.result_version_id is None:
        raise DemoTimetableError(f"the demo solver run ended {status}: {run.error or 'no timetable'}")
    version = db.session.get(TimetableVersion, run.result_version_id)
    publishing.publish(version, actor=actor, lock=version.version, accept_warnings=True)
    seed = run.base_version
    if seed is not None and seed.status == VersionStatus.DRAFT:
        versions.discard_draft(seed, actor=actor, lock=None)
    db.session.commit()
    return version


def demo_edition() -> Edition | None:
    """The demo's 2021 edition, if loaded."""
    return db.session.scalar(sa.select(Edition).where(Edition.slug == "bjiff-11-st"))


def needs_timetable(edition: Edition) -> bool:
    """True when the edition has no published timetable yet."""
    stmt = sa.select(TimetableVersion.id).where(
        TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.PUBLISHED
    )
    return db.session.scalar(stmt.limit(1)) is None
