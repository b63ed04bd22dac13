"""Publishing a draft: what stands in its way, what it changes, then the next numbered public version with
a change log.

Publishing freezes a draft as the edition's public version; the version it replaces becomes
``superseded`` (still readable). A draft that removes more than a tenth of the public screenings is only
published when the edition's name is typed in (``summary``, ``name_matches``). Areas hear of a publication
through ``on_publish`` listeners, called in the same transaction (the filmmakers' mails,
festival.schedule.notices; visitors' plans later).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from festival import audit
from festival.editions import lifecycle
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Edition, Entry, Screening, TimetableVersion, User
from festival.models.enums import VersionStatus
from festival.models.types import utcnow
from festival.schedule import adapter
from festival.schedule.changelog import Diff, diff_versions
from festival.schedule.problems import BLOCKING, SHORTFALL, Namer, Problem
from festival.schedule.versions import PublishBlocked, StaleVersion, check_editable, published_version

ON_PUBLISH = "festival.on_publish"
# A draft that removes more than this share of the public screenings needs the edition's name typed in.
REMOVAL_SHARE = 0.1

Listener = Callable[[TimetableVersion, Diff, User | None], None]


class NameNotConfirmed(InvalidInput):
    """The draft removes much of the public programme and the edition's name was not typed in (right)."""


def on_publish(app: Flask, listener: Listener) -> None:
    """Have ``listener(version, diff, actor)`` called when a version is published: inside publish()'s
    transaction, after the version is numbered (a refused or rolled-back publication calls nobody)."""
    app.extensions.setdefault(ON_PUBLISH, []).append(listener)


# ---------------------------------------------------------------- what a publication changes


@dataclass(frozen=True)
class Summary:
    """What publishing a draft changes: the diff against the public version, the films and filmmakers it
    touches, and whether the edition's name must be typed in."""

    diff: Diff
    public: int  # screenings of the public version
    films: list[Entry]
    filmmakers: list[User]

    @property
    def removed(self) -> int:
        """Public screenings the draft removes (a shorts programme's screening once, not once per film)."""
        return self.diff.screenings("removed")

    @property
    def removed_share(self) -> float:
        return self.removed / self.public if self.public else 0.0

    @property
    def needs_name(self) -> bool:
        return self.diff.base is not None and self.removed_share > REMOVAL_SHARE


def summary(version: TimetableVersion) -> Summary:
    """The changes publishing ``version`` would make to the public programme (none for a first one)."""
    edition = db.session.get(Edition, version.edition_id)
    public = published_version(edition)
    diff = diff_versions(public, version)
    if public is None:
        return Summary(diff, 0, [], [])
    films = {c.entry.id: c.entry for c in diff.changes}
    owners = sa.select(User).where(User.id.in_({e.owner_id for e in films.values()})).order_by(User.name)
    count = db.session.scalar(sa.select(sa.func.count()).where(Screening.timetable_id == public.id))
    titles = sorted(films.values(), key=lambda e: e.display_title.casefold())
    return Summary(diff, count, titles, list(db.session.scalars(owners)))


def _plain(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def name_matches(edition: Edition, typed: str | None) -> bool:
    """Whether ``typed`` is the edition's name (in either language; case and spacing aside)."""
    return bool(_plain(typed)) and _plain(typed) in {_plain(edition.name), _plain(edition.name_zh)}


# ---------------------------------------------------------------- publishing


def publish_problems(version: TimetableVersion) -> list[Problem]:
    """What stands between a draft and publication: hard-rule problems block, shortfalls warn."""
    edition = db.session.get(Edition, version.edition_id)
    state = lifecycle.refusal(edition, lifecycle.Action.PUBLISH)
    if state is not None:
        return [Problem(BLOCKING, state, rule="lifecycle")]
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
    version: TimetableVersion,
    *,
    actor: User | None,
    lock: int | None,
    accept_warnings: bool = False,
    confirm_name: str | None = None,
) -> TimetableVersion:
    """Make a draft the edition's public version.

    Side effects: the draft gets the next number, ``published`` status, ``published_by/at`` and a
    change log against the previous public version, which becomes ``superseded`` (still readable);
    an audit event is recorded; every ``on_publish`` listener is called (the filmmakers whose screenings
    changed get their mail in the outbox). Raises VersionFrozen/StaleVersion (see check_editable),
    PublishBlocked when a hard rule is broken or when warnings exist and are not accepted, and
    NameNotConfirmed when the draft removes more than a tenth of the public screenings and
    ``confirm_name`` is not the edition's name."""
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
    changes = summary(version)
    if changes.needs_name and not name_matches(edition, confirm_name):
        raise NameNotConfirmed(
            errors={"confirm_name": [_l("Type the edition's name exactly as shown to publish this draft.")]}
        )
    previous, diff = changes.diff.base, changes.diff
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
    logged = {"number": version.number, "changes": len(diff.changes), "previous": previous and previous.id}
    audit.record(version, actor=actor, action="timetable.published", new=logged)
    for listener in current_app.extensions.get(ON_PUBLISH, ()):
        listener(version, diff, actor)
    return version
