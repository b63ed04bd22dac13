"""When, and by whom, an entry may change: its window (the call or a staff reopening) and the checks
every write makes first.

Every function that depends on the time takes ``now`` (an aware datetime); without it
``current_time()`` is used, which tests may monkeypatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from festival.models import Edition, Entry, User
from festival.models.enums import EditionStatus, EntryStatus
from festival.models.types import utcnow
from festival.submissions.errors import DeadlinePassed, InvalidTransition, StaleEntry

# Withdrawn entries can be corrected and submitted again (keeping their reference) while the form is
# open; only a submitted entry is held to "always complete".
EDITABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)
SUBMITTABLE = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)
WITHDRAWABLE = (EntryStatus.SUBMITTED, EntryStatus.WAITLISTED)
REOPENABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)


def current_time() -> datetime:
    """The current moment (aware); the one clock of the submissions area, replaced in tests."""
    return utcnow()


def resolve(now: datetime | None) -> datetime:
    """``now`` when given, else the area's clock."""
    return now if now is not None else current_time()


def closes_at(entry: Entry) -> datetime:
    """When the form closes for this entry: the deadline, or a later reopening by staff."""
    deadline = entry.edition.entry_deadline
    if entry.reopened_until and entry.reopened_until > deadline:
        return entry.reopened_until
    return deadline


def is_reopened(entry: Entry, now: datetime | None = None) -> bool:
    """True while a staff reopening keeps this entry's form open."""
    return entry.reopened_until is not None and resolve(now) <= entry.reopened_until


def window_open(entry: Entry, now: datetime | None = None) -> bool:
    """True while the filmmaker may change or submit this entry (deadline or reopening, aware)."""
    now = resolve(now)
    if is_reopened(entry, now):
        return True
    edition = entry.edition
    return edition.status == EditionStatus.OPEN and not edition.deadline_passed(now)


def can_edit(entry: Entry, now: datetime | None = None) -> bool:
    """True when the filmmaker's form accepts changes to this entry now."""
    return entry.status in EDITABLE and window_open(entry, now)


def can_submit(entry: Entry, now: datetime | None = None) -> bool:
    """True when the entry could be submitted now (if it is complete)."""
    return entry.status in SUBMITTABLE and window_open(entry, now)


def can_withdraw(entry: Entry) -> bool:
    """True when the filmmaker may withdraw the entry (also after the deadline)."""
    return entry.status in WITHDRAWABLE


def can_delete(entry: Entry) -> bool:
    """True for drafts, which their filmmaker may delete."""
    return entry.status == EntryStatus.DRAFT


@dataclass(frozen=True)
class EntryState:
    """What the filmmaker can do with an entry right now, for pages and buttons."""

    window_open: bool
    closes_at: datetime
    reopened: bool
    can_edit: bool
    can_submit: bool
    can_withdraw: bool
    can_delete: bool


def entry_state(entry: Entry, now: datetime | None = None) -> EntryState:
    """The entry's window and the actions open to its filmmaker at ``now``."""
    now = resolve(now)
    return EntryState(
        window_open=window_open(entry, now),
        closes_at=closes_at(entry),
        reopened=is_reopened(entry, now),
        can_edit=can_edit(entry, now),
        can_submit=can_submit(entry, now),
        can_withdraw=can_withdraw(entry),
        can_delete=can_delete(entry),
    )


def edition_local_to_aware(value: datetime, edition: Edition) -> datetime:
    """A wall-clock time typed in a form, read in the edition's timezone (e.g. Beijing time)."""
    if value.tzinfo is not None:
        return value
    return value.replace(tzinfo=edition.tz)


def edition_wall_clock(entry: Entry) -> datetime | None:
    """The entry's reopening as a naive wall-clock time of its edition, for a datetime-local input."""
    if entry.reopened_until is None:
        return None
    return entry.reopened_until.astimezone(entry.edition.tz).replace(tzinfo=None)


def ensure_owner(entry: Entry, actor: User) -> None:
    if not entry.is_owned_by(actor):
        raise InvalidTransition(_("Only the filmmaker who entered this film can change it."))


def ensure_editable(entry: Entry, now: datetime) -> None:
    if entry.status not in EDITABLE:
        raise InvalidTransition(
            _("This entry can no longer be changed (status: %(s)s).", s=entry.status.value)
        )
    if not window_open(entry, now):
        raise DeadlinePassed()


def ensure_version(entry: Entry, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != entry.version:
        raise StaleEntry()
