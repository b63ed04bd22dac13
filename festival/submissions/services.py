"""The rules of entering a film and every write to entries: drafts, steps, submission, state changes.

Functions flush, never commit; the view commits once. Domain errors (``festival.submissions.errors``)
carry a message for the filmmaker. Every function that depends on the time takes ``now`` (an aware
datetime); without it the clock (``festival.localtime.now()``) is used. The poster and stills
are written by ``festival.submissions.images``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from festival import audit
from festival.errors import InvalidInput, InvalidTransition, NotAllowed, StaleEdit
from festival.extensions import db
from festival.models import Edition, Entry, User
from festival.models.enums import EntryStatus, FilmFormat, PremiereStatus, Role
from festival.submissions import events, mails, uploads
from festival.submissions.completeness import AUDIENCE_VALUES, STEP_FIELDS, submission_problems
from festival.submissions.errors import DeadlinePassed, EmailNotConfirmed, IncompleteEntry, StaleEntry
from festival.submissions.techspec import DELIVERY_LABELS, SOUND_LABELS, tech_fields
from festival.submissions.window import (
    REOPENABLE,
    SUBMITTABLE,
    can_delete,
    can_withdraw,
    ensure_editable,
    ensure_owner,
    ensure_version,
    resolve,
    window_open,
)

# Entry states and the moves between them. Decisions (accepted / waitlisted / rejected) are taken
# by the review area through set_entry_status too; it sends its own notification mails.
TRANSITIONS: dict[EntryStatus, frozenset[EntryStatus]] = {
    EntryStatus.DRAFT: frozenset({EntryStatus.SUBMITTED}),
    EntryStatus.SUBMITTED: frozenset(
        {EntryStatus.WITHDRAWN, EntryStatus.ACCEPTED, EntryStatus.WAITLISTED, EntryStatus.REJECTED}
    ),
    EntryStatus.WITHDRAWN: frozenset({EntryStatus.SUBMITTED}),
    EntryStatus.WAITLISTED: frozenset(
        {EntryStatus.WITHDRAWN, EntryStatus.ACCEPTED, EntryStatus.REJECTED, EntryStatus.SUBMITTED}
    ),
    EntryStatus.ACCEPTED: frozenset(
        {EntryStatus.WAITLISTED, EntryStatus.REJECTED, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN}
    ),
    EntryStatus.REJECTED: frozenset({EntryStatus.ACCEPTED, EntryStatus.WAITLISTED, EntryStatus.SUBMITTED}),
}


# ---------------------------------------------------------------- drafts


def create_entry(edition: Edition, *, owner: User, now: datetime | None = None) -> Entry:
    """Start a draft entry for an edition whose call is open; raises DeadlinePassed, NotAllowed."""
    now = resolve(now)
    if not owner.has_role(Role.FILMMAKER):
        raise NotAllowed(_("Only filmmaker accounts can enter films."))
    if not edition.call_open(now):
        raise DeadlinePassed(_("The call for entries of this edition is closed."))
    language = owner.locale if owner.locale in current_app.config["LANGUAGES"] else "en"
    entry = Entry(
        edition=edition,
        owner=owner,
        status=EntryStatus.DRAFT,
        language=language,
        production_company=owner.organisation,
        contact_name=owner.name,
        contact_email=owner.email,
        audiences=[],
        tech_spec={},
    )
    db.session.add(entry)
    db.session.flush()
    return entry


class _Proposed:
    """An entry seen with some changes applied, to check them before writing anything."""

    def __init__(self, entry: Entry, changes: dict):
        self._entry, self._changes = entry, changes

    def __getattr__(self, name: str):
        if name in self._changes:
            return self._changes[name]
        return getattr(self._entry, name)


def _clean_text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _clean_value(name: str, value):
    """Turn a form value into what the column stores (enums, stripped text, lists)."""
    if name == "format":
        return FilmFormat(value) if value else None
    if name == "premiere_status":
        return PremiereStatus(value) if value else None
    if name == "audiences":
        return [a for a in AUDIENCE_VALUES if a in set(value or ())]
    if name in ("runtime_minutes", "year"):
        return value
    if name == "title_original":
        return _clean_text(value) or ""
    if name == "language":
        return value if value in current_app.config["LANGUAGES"] else "en"
    if name == "delivery":
        return value if value in DELIVERY_LABELS else None
    if name == "sound_format":
        return value if value in SOUND_LABELS else None
    return _clean_text(value)


def _merged_tech_spec(entry: Entry, given: dict, fmt) -> dict:
    keys = {field.key for field in tech_fields(fmt)}
    spec = {k: v for k, v in (entry.tech_spec or {}).items() if k in keys}
    for key, value in given.items():
        if key in keys:
            spec[key] = _clean_text(value) if isinstance(value, str) else value
    return {k: v for k, v in spec.items() if v is not None}


def _snapshot(entry, names: Iterable[str]) -> dict:
    return {name: getattr(entry, name) for name in names}


def save_step(
    entry: Entry,
    step: str,
    values: dict,
    *,
    actor: User,
    expected_version: int | None,
    rejected: Collection[str] = (),
    now: datetime | None = None,
) -> list[str]:
    """Write one step's fields and return the names that changed.

    ``expected_version`` is the entry's version the page was built from; a save without one is refused
    like a stale one (it could overwrite a change it never saw). ``values`` holds the fields whose input
    passed the form's checks; ``rejected`` names those that did not. A draft keeps the valid fields (the
    rest stay as they were); a submitted entry is changed only when every field is valid and it stays
    complete, otherwise nothing is written. Changes to a submitted entry go to the audit trail. Raises
    DeadlinePassed, InvalidTransition, NotAllowed, StaleEntry, InvalidInput, IncompleteEntry.
    """
    now = resolve(now)
    ensure_owner(entry, actor)
    ensure_editable(entry, now)
    if expected_version is None:
        raise StaleEntry(
            _(
                "This page sent no version of the entry, so a save could overwrite changes it never saw. "
                "Nothing was saved; reload the page and save again."
            )
        )
    ensure_version(entry, expected_version)
    fields = STEP_FIELDS[step]
    changes = {}
    for name in fields:
        if name == "tech_spec" and "tech_spec" in values:
            changes[name] = _merged_tech_spec(entry, values["tech_spec"], entry.format)
        elif name in values:
            changes[name] = _clean_value(name, values[name])
    if entry.status == EntryStatus.SUBMITTED:
        if rejected:
            raise InvalidInput(
                _(
                    "Nothing was saved: a submitted entry only changes when every field is valid. "
                    "Correct the fields marked below."
                )
            )
        touched = set(fields)
        if "tech_spec" in changes or changes.get("format", entry.format) != entry.format:
            touched |= {f"tech_{f.key}" for f in tech_fields(changes.get("format", entry.format))}
        problems = [p for p in submission_problems(_Proposed(entry, changes), now) if p[0] in touched]
        if problems:
            raise IncompleteEntry(
                problems,
                _(
                    "Nothing was saved: a submitted entry must stay complete. "
                    "Fill in the fields marked below."
                ),
            )
    before = _snapshot(entry, changes)
    keys_before = (entry.company_keys, entry.person_keys, entry.country_keys)
    for name, value in changes.items():
        setattr(entry, name, value)
    after = _snapshot(entry, changes)
    if entry.status != EntryStatus.DRAFT:
        audit.record_changes(entry, actor=actor, action="edit", before=before, after=after)
    db.session.flush()
    keys_after = (entry.company_keys, entry.person_keys, entry.country_keys)
    if entry.status != EntryStatus.DRAFT and keys_before != keys_after:
        # a new company (or director, country) may be one a curator of this entry declared a conflict with
        events.entry_names_changed.send(entry, actor=actor)
    return [name for name in changes if before[name] != after[name]]


def delete_draft(entry: Entry, *, actor: User) -> None:
    """Delete a draft entry and (after commit) its image files; raises InvalidTransition."""
    ensure_owner(entry, actor)
    if not can_delete(entry):
        raise InvalidTransition(_("Only drafts can be deleted; withdraw a submitted entry instead."))
    for image in entry.images:
        uploads.remove_after_commit(db.session, entry.id, image.stored_name)
    db.session.delete(entry)
    db.session.flush()


# ---------------------------------------------------------------- state changes


def set_entry_status(
    entry: Entry, new: EntryStatus, *, actor: User | None, now: datetime | None = None
) -> None:
    """The one way an entry changes state; raises InvalidTransition for a move not in TRANSITIONS.

    Side effects: ``withdrawn_at`` is set on withdrawal and cleared on resubmission,
    ``submitted_at`` is set when a draft or withdrawn entry is submitted, and an audit event
    records the change. Mails are sent by the callers (submit, withdraw, the review area).
    """
    now = resolve(now)
    old = entry.status
    if new not in TRANSITIONS.get(old, frozenset()):
        raise InvalidTransition(
            _("An entry cannot go from %(old)s to %(new)s.", old=old.value, new=EntryStatus(new).value)
        )
    if new == EntryStatus.WITHDRAWN:
        entry.withdrawn_at = now
    if new == EntryStatus.SUBMITTED and old in SUBMITTABLE:
        entry.submitted_at = now
        entry.withdrawn_at = None
    entry.status = new
    audit.record(entry, actor=actor, action="status", field="status", old=old.value, new=new.value)


def reference_for(edition: Edition, number: int) -> str:
    """An entry's reference, e.g. BJIFF11-ST-0042."""
    return f"{edition.reference_prefix}-{number:04d}"


def _next_number(edition_id: int) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.max(Entry.number), 0)).where(Entry.edition_id == edition_id)
    return int(db.session.scalar(stmt)) + 1


def _lock_numbering(edition_id: int) -> None:
    """Hold the edition's row until the transaction ends, so that concurrent submissions of the
    edition take their numbers one after the other (PostgreSQL's SELECT ... FOR UPDATE; SQLite
    serialises writers anyway and ignores it)."""
    db.session.execute(sa.select(Edition.id).where(Edition.id == edition_id).with_for_update())


def allocate_reference(entry: Entry, *, attempts: int = 5) -> str:
    """Give the entry the next free number of its edition, once; safe when many submit at once.

    Submissions of one edition queue on the edition's row lock, then take max + 1. Should two
    still collide (a writer that skipped the lock), the unique constraint on (edition, number)
    raises IntegrityError, the savepoint is rolled back and the next number tried.
    """
    if entry.number is not None:
        return entry.reference
    _lock_numbering(entry.edition_id)
    for _attempt in range(attempts):
        number = _next_number(entry.edition_id)
        try:
            with db.session.begin_nested():
                entry.number = number
                entry.reference = reference_for(entry.edition, number)
                db.session.flush()
        except IntegrityError:
            continue
        return entry.reference
    raise StaleEdit(_("Too many entries are being submitted right now; please try again in a moment."))


def submit_entry(
    entry: Entry,
    *,
    actor: User,
    accept_terms: bool,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> bool:
    """Submit a complete entry: reference, status, time, receipt mail, all in the caller's transaction.

    Returns False (and does nothing) when the entry is already submitted, so a double click
    never makes a second reference or mail. Raises EmailNotConfirmed, DeadlinePassed, NotAllowed,
    InvalidTransition, StaleEntry and IncompleteEntry (with the problems).
    """
    now = resolve(now)
    ensure_owner(entry, actor)
    if entry.status == EntryStatus.SUBMITTED:
        return False
    if entry.status not in SUBMITTABLE:
        raise InvalidTransition(_("This entry cannot be submitted in its current state."))
    if actor.email_confirmed_at is None:
        raise EmailNotConfirmed()
    if not window_open(entry, now):
        raise DeadlinePassed()
    ensure_version(entry, expected_version)
    problems = submission_problems(
        _Proposed(entry, {"terms_accepted_at": now if accept_terms else None}), now
    )
    if problems:
        raise IncompleteEntry(problems)
    entry.terms_accepted_at = now
    allocate_reference(entry)
    set_entry_status(entry, EntryStatus.SUBMITTED, actor=actor, now=now)
    db.session.flush()
    mails.send_receipt(entry)
    return True


def withdraw_entry(entry: Entry, *, actor: User, now: datetime | None = None) -> None:
    """Withdraw a submitted (or waitlisted) entry and confirm it by mail; raises InvalidTransition."""
    ensure_owner(entry, actor)
    if not can_withdraw(entry):
        raise InvalidTransition(_("Only a submitted or waitlisted entry can be withdrawn."))
    set_entry_status(entry, EntryStatus.WITHDRAWN, actor=actor, now=now)
    db.session.flush()
    mails.send_withdrawn(entry)


def withdraw_from_programme(entry: Entry, *, actor: User, now: datetime | None = None) -> None:
    """Staff: take an accepted film out of the festival (its filmmaker pulled out, the copy is lost).

    The public pages stop listing it at once; its screenings stay in the published timetable until a new
    version without them is published (the next solver run leaves the film out). Raises NotAllowed for
    non-staff actors and InvalidTransition for an entry that is not accepted."""
    if not actor.is_staff:
        raise NotAllowed(_("Only the festival office can withdraw an accepted film."))
    if entry.status != EntryStatus.ACCEPTED:
        raise InvalidTransition(_("Only an accepted film can be withdrawn from the programme."))
    set_entry_status(entry, EntryStatus.WITHDRAWN, actor=actor, now=now)


def reopen_entry(entry: Entry, *, actor: User, until: datetime | None, now: datetime | None = None) -> None:
    """Staff: let the filmmaker change and submit this entry until ``until`` (None closes it again).

    ``until`` must be aware and in the future. The filmmaker is told by mail. Raises
    InvalidTransition for decided entries, NotAllowed for non-staff actors and InvalidInput for a time
    that is naive or not in the future.
    """
    now = resolve(now)
    if not actor.is_staff:
        raise NotAllowed(_("Only festival staff can reopen an entry."))
    if entry.status not in REOPENABLE:
        raise InvalidTransition(_("A decided entry cannot be reopened."))
    if until is not None:
        if until.tzinfo is None:
            raise InvalidInput(errors={"until": [_("Give the time with its timezone.")]})
        if until <= now:
            raise InvalidInput(errors={"until": [_("Choose a time in the future.")]})
    old = entry.reopened_until
    entry.reopened_until = until
    audit.record(entry, actor=actor, action="reopen", field="reopened_until", old=old, new=until)
    db.session.flush()
    if until is not None:
        mails.send_reopened(entry)
