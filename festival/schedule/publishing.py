"""Publishing a draft: what stands in its way, then the next numbered public version with a change log.

Publishing freezes a draft as the edition's public version; the version it replaces becomes
``superseded`` (still readable).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from festival import audit
from festival.extensions import db
from festival.models import Edition, Screening, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.models.types import utcnow
from festival.schedule import adapter
from festival.schedule.changelog import diff_versions
from festival.schedule.problems import BLOCKING, SHORTFALL, Namer, Problem
from festival.schedule.versions import PublishBlocked, StaleVersion, check_editable, published_version

# ---------------------------------------------------------------- publishing


def publish_problems(version: TimetableVersion) -> list[Problem]:
    """What stands between a draft and publication: hard-rule problems block, shortfalls warn."""
    edition = db.session.get(Edition, version.edition_id)
    if not db.session.scalar(sa.select(sa.func.count()).where(Screening.timetable_id == version.id)):
        return [Problem(BLOCKING, _l("The timetable has no screenings."), rule="counts")]
    try:
        data, instance = adapter.instance_for(edition, base_version=version)
    except adapter.InstanceBuildError as exc:
        return [Problem(BLOCKING, message, rule="format") for message in exc.messages]
    report = adapter.check_version(version, instance=instance)
    namer = Namer.for_edition(edition)
    problems = [namer.problem(v) for v in report.violations]
    for film in instance.films:
        count = report.counts.get(film.id, 0)
        if count < film.min_screenings:
            entry_id = adapter.entry_id_of(film.id)
            message = ngettext(
                "%(film)s has %(count)s of its minimum of %(num)d screening.",
                "%(film)s has %(count)s of its minimum of %(num)d screenings.",
                film.min_screenings,
                film=namer.film(film.id),
                count=count,
            )
            problems.append(Problem(SHORTFALL, message, (f"film:{entry_id}",), code="shortfall"))
    return problems


def next_number(edition: Edition) -> int:
    """The number the next published version of the edition gets."""
    stmt = sa.select(sa.func.max(TimetableVersion.number)).where(TimetableVersion.edition_id == edition.id)
    return (db.session.scalar(stmt) or 0) + 1


def publish(
    version: TimetableVersion, *, actor: User | None, lock: int | None, accept_warnings: bool = False
) -> TimetableVersion:
    """Make a draft the edition's public version.

    Side effects: the draft gets the next number, ``published`` status, ``published_by/at`` and a
    change log against the previous public version, which becomes ``superseded`` (still readable);
    an audit event is recorded. Raises VersionFrozen/StaleVersion (see check_editable) and
    PublishBlocked when a hard rule is broken or when warnings exist and are not accepted."""
    check_editable(version, lock)
    edition = db.session.get(Edition, version.edition_id)
    problems = publish_problems(version)
    blocking = [p for p in problems if p.blocking]
    if blocking:
        raise PublishBlocked(_l("The draft breaks hard rules and cannot be published."), blocking)
    if problems and not accept_warnings:
        raise PublishBlocked(
            _l("Please confirm that you have read the warnings before publishing."), problems
        )
    previous = published_version(edition)
    diff = diff_versions(previous, version)
    number = next_number(edition)
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
    version.number = number
    version.status = VersionStatus.PUBLISHED
    version.published_at = utcnow()
    version.published_by_id = actor.id if actor else None
    # the first public version has nothing to be compared with: its change log is empty
    version.changelog = [c.as_log(edition) for c in diff.changes] if previous is not None else []
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleVersion(
            _l("Someone else changed this draft at the same moment. Nothing was published.")
        ) from None
    except IntegrityError:  # the next number was taken by a publication at the same moment
        message = _l("Another version was published at the same moment; please look again.")
        raise StaleVersion(message) from None
    summary = {"number": version.number, "changes": len(diff.changes), "previous": previous and previous.id}
    audit.record(version, actor=actor, action="timetable.published", new=summary)
    return version
