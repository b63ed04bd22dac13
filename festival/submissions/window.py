"""When, and by whom, an entry may change: its window (the call or a staff reopening) and the checks
every write makes first.

Every function that depends on the time takes ``now`` (an aware datetime); without it the clock
``festival.localtime.now()`` is used, which tests may monkeypatch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from festival import localtime
from festival.errors import InvalidTransition, NotAllowed
from festival.models import Entry, User
from festival.models.enums import EntryStatus
from festival.submissions.errors import DeadlinePassed, StaleEntry

# Withdrawn entries can be corrected and submitted again (keeping their reference) while the form is
# open; only a submitted entry is held to "always complete".
EDITABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)
SUBMITTABLE = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)
WITHDRAWABLE = (EntryStatus.SUBMITTED, EntryStatus.WAITLISTED)
REOPENABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)


def resolve(now: datetime | None) -> datetime:
    """``now`` when given, else the clock (``festival.localtime.now``)."""
    return now if now is not None else localtime.now()


def closes_at(entry: Entry) -> datetime:
    """When the form closes for this entry: the deadline, or a later reopening by staff."""
    deadline = entry.edition.entry_deadline
    if entry.reopened_until and entry.reopened_until > deadline:
        return entry.reopened_until
    return deadline


def is_reopened(entry: Entry, now: datetime | None = None) -> bool:
    """True while a staff reopening keeps this entry's form open (half-open like the call: closed at the
    reopening's end instant)."""
    return entry.reopened_until is not None and resolve(now) < entry.reopened_until


def window_open(entry: Entry, now: datetime | None = None) -> bool:
    """True while the filmmaker may change or submit this entry: the edition's call is open
    (``Edition.call_open``), or staff reopened this entry."""
    now = resolve(now)
    return is_reopened(entry, now) or entry.edition.call_open(now)


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


def ensure_owner(entry: Entry, actor: User) -> None:
    if not entry.is_owned_by(actor):
        raise NotAllowed(_("Only the filmmaker who entered this film can change it."))


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
