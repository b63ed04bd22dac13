"""An edition's lifecycle: its states, the moves staff may make between them, and which actions each state
allows. ``move`` is the one function that changes an edition's state; ``refusal`` / ``require`` are the
one place that says whether an action fits the state (areas call ``require`` before they act).

    draft -> call_open -> review -> programming -> published -> archived

Staff may also step back one state (a call reopened after closing too early, a programme taken back to
programming) except out of archived, which only an admin may leave (back to published).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from festival import audit
from festival.errors import InvalidTransition
from festival.extensions import db
from festival.labels import EDITION_STATE_LABELS
from festival.models import Edition, TimetableVersion, User
from festival.models.enums import EditionStatus, Role, VersionStatus
from festival.models.types import utcnow

S = EditionStatus

STATE_LABELS = EDITION_STATE_LABELS


@dataclass(frozen=True)
class Move:
    target: EditionStatus
    label: object  # the button staff press
    admin_only: bool = False


# the allowed moves from each state, forward first (the status strip shows them in this order)
MOVES: dict[EditionStatus, tuple[Move, ...]] = {
    S.DRAFT: (Move(S.CALL_OPEN, _l("Open the call")),),
    S.CALL_OPEN: (Move(S.REVIEW, _l("Close the call")), Move(S.DRAFT, _l("Back to draft"))),
    S.REVIEW: (Move(S.PROGRAMMING, _l("Start programming")), Move(S.CALL_OPEN, _l("Reopen the call"))),
    S.PROGRAMMING: (
        Move(S.PUBLISHED, _l("Mark the programme published")),
        Move(S.REVIEW, _l("Back to review")),
    ),
    S.PUBLISHED: (
        Move(S.ARCHIVED, _l("Archive the edition")),
        Move(S.PROGRAMMING, _l("Back to programming")),
    ),
    S.ARCHIVED: (Move(S.PUBLISHED, _l("Take out of the archive"), admin_only=True),),
}


class Action(enum.StrEnum):
    """What areas ask the lifecycle about."""

    ENTER = "enter"  # filmmakers submit entries (the call's own rule: Edition.call_open)
    SCORE = "score"  # curators score and comment
    DECIDE = "decide"  # staff draft and release decisions
    PUBLISH = "publish"  # staff publish a timetable
    EDIT = "edit"  # staff change the edition's settings, venues, demand, drafts


ALLOWED: dict[Action, frozenset[EditionStatus]] = {
    Action.ENTER: frozenset({S.CALL_OPEN}),
    Action.SCORE: frozenset({S.CALL_OPEN, S.REVIEW, S.PROGRAMMING}),
    Action.DECIDE: frozenset({S.REVIEW, S.PROGRAMMING}),
    Action.PUBLISH: frozenset({S.PROGRAMMING, S.PUBLISHED}),
    Action.EDIT: frozenset(set(S) - {S.ARCHIVED}),
}

REASONS: dict[Action, object] = {
    Action.ENTER: _l("Entries are taken only while the call is open."),
    Action.SCORE: _l("Curators score only from the call's opening until the programme is published."),
    Action.DECIDE: _l("Decisions are released only during review or programming."),
    Action.PUBLISH: _l(
        "A timetable is published only during programming or once the programme is published."
    ),
    Action.EDIT: _l("An archived edition is read-only."),
}


def label(status: EditionStatus) -> object:
    return STATE_LABELS[status]


def refusal(edition: Edition, action: Action) -> object | None:
    """Why ``action`` does not fit the edition's state now (a sentence naming the state), or None."""
    if edition.status in ALLOWED[action]:
        return None
    return _l(
        "%(edition)s is in the state “%(state)s”. %(reason)s",
        edition=edition.name,
        state=STATE_LABELS[edition.status],
        reason=REASONS[action],
    )


def require(edition: Edition, action: Action) -> None:
    """Raise InvalidTransition with the reason when ``action`` does not fit the edition's state."""
    reason = refusal(edition, action)
    if reason is not None:
        raise InvalidTransition(reason)


def moves_for(edition: Edition, user: User) -> list[Move]:
    """The moves ``user`` may make from the edition's state now (what the status strip offers)."""
    return [m for m in MOVES[edition.status] if not m.admin_only or user.has_role(Role.ADMIN)]


def _has_published_timetable(edition: Edition) -> bool:
    stmt = db.select(TimetableVersion.id).where(
        TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.PUBLISHED
    )
    return db.session.scalar(stmt.limit(1)) is not None


def move(edition: Edition, target: EditionStatus, *, actor: User) -> None:
    """Move the edition to ``target``, one of the moves its state allows ``actor``.

    Side effects: opening the call (into call_open) with its opening time still in the future leaves that
    time; opening it after the deadline is refused (set a later deadline first); moving into published
    needs a published timetable; every move is in the audit log (``edition.state``). Raises
    InvalidTransition with the reason."""
    allowed = {m.target: m for m in moves_for(edition, actor)}
    if target not in allowed:
        raise InvalidTransition(
            _l(
                "%(edition)s cannot go from “%(state)s” to “%(target)s”.",
                edition=edition.name,
                state=STATE_LABELS[edition.status],
                target=STATE_LABELS[target],
            )
        )
    if target == S.CALL_OPEN and edition.entry_deadline <= utcnow():
        raise InvalidTransition(
            _l("The entry deadline has passed: set a later deadline before opening the call.")
        )
    if target == S.PUBLISHED and edition.status == S.PROGRAMMING and not _has_published_timetable(edition):
        raise InvalidTransition(_l("Publish a timetable first: the edition has no public programme yet."))
    old = edition.status
    edition.status = target
    db.session.flush()
    audit.record(edition, actor=actor, action="edition.state", field="state", old=old.value, new=target.value)


def on_publication(version: TimetableVersion, _diff=None, _actor=None) -> None:
    """A timetable was published: an edition still in programming moves to published (an ``on_publish``
    listener of festival.schedule.publishing)."""
    edition = db.session.get(Edition, version.edition_id)
    if edition is not None and edition.status == S.PROGRAMMING:
        edition.status = S.PUBLISHED
