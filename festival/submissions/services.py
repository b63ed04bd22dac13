"""The rules of entering a film, and every write to entries and their images.

Functions flush, never commit; the view commits once. Domain errors (``DeadlinePassed``,
``InvalidTransition``, ...) carry a message for the filmmaker. Every function that depends on the
time takes ``now`` (an aware datetime); without it ``current_time()`` is used, which tests may
monkeypatch.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from festival import audit
from festival.extensions import db
from festival.models import Edition, Entry, EntryImage, User
from festival.models.enums import (
    Audience,
    EditionStatus,
    EntryStatus,
    FilmFormat,
    ImageKind,
    PremiereStatus,
    Role,
)
from festival.models.types import utcnow
from festival.review import services as review_services
from festival.submissions import mails, uploads
from festival.submissions.techspec import DELIVERY_LABELS, SOUND_LABELS, tech_fields
from festival.submissions.validation import (
    SYNOPSIS_LONG_MAX,
    email_problem,
    runtime_problem,
    url_problem,
    year_problem,
)

MAX_STILLS = 6
AUDIENCE_VALUES = tuple(a.value for a in Audience)

log = logging.getLogger(__name__)

STEPS = ("film", "people", "technical", "links", "review")
STEP_LABELS = {
    "film": _l("Film"),
    "people": _l("People & rights"),
    "technical": _l("Technical"),
    "links": _l("Links & images"),
    "review": _l("Review & submit"),
}
# The entry columns each step writes; "tech_spec" is merged key by key.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "film": (
        "title_original", "title_en", "title_zh", "format", "runtime_minutes", "year", "country",
        "languages", "subtitles", "synopsis_short", "synopsis_long", "audiences", "premiere_status",
    ),
    "people": (
        "director", "production_company", "rights_holder", "contact_name", "contact_email",
        "contact_phone", "language",
    ),
    "technical": ("delivery", "sound_format", "tech_spec"),
    "links": ("trailer_url", "screener_url", "screener_password"),
    "review": (),
}  # fmt: skip
# Problems that are not about a column, and the step where they are fixed.
EXTRA_PROBLEM_STEPS = {"poster": "links", "stills": "links", "terms": "review"}

# Withdrawn entries can be corrected and submitted again (keeping their reference) while the form is
# open; only a submitted entry is held to "always complete".
EDITABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)
SUBMITTABLE = (EntryStatus.DRAFT, EntryStatus.WITHDRAWN)
WITHDRAWABLE = (EntryStatus.SUBMITTED, EntryStatus.WAITLISTED)
REOPENABLE = (EntryStatus.DRAFT, EntryStatus.SUBMITTED, EntryStatus.WITHDRAWN)

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
    EntryStatus.ACCEPTED: frozenset({EntryStatus.WAITLISTED, EntryStatus.REJECTED, EntryStatus.SUBMITTED}),
    EntryStatus.REJECTED: frozenset({EntryStatus.ACCEPTED, EntryStatus.WAITLISTED, EntryStatus.SUBMITTED}),
}


class SubmissionError(Exception):
    """A rule of the entry workflow stops this action; ``message`` is for the user."""

    default = _l("This action is not possible for this entry.")

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default)
        super().__init__(self.message)


class DeadlinePassed(SubmissionError):
    default = _l("The entry form is closed: the deadline has passed.")


class InvalidTransition(SubmissionError):
    default = _l("This entry cannot make that change in its current state.")


class StaleEntry(SubmissionError):
    default = _l(
        "This entry was changed elsewhere (another tab or device) after you opened this page. "
        "Nothing was saved; check the entry and save again."
    )


class EmailNotConfirmed(SubmissionError):
    default = _l("Please confirm your e-mail address before submitting: use the link we sent you.")


class InvalidInput(SubmissionError):
    default = _l(
        "Nothing was saved: a submitted entry only changes when every field is valid. "
        "Correct the fields marked below."
    )


class IncompleteEntry(SubmissionError):
    """The entry lacks what a submission needs; ``problems`` lists (field, message)."""

    default = _l("The entry is not complete yet.")

    def __init__(self, problems: list[tuple[str, str]], message: str | None = None):
        super().__init__(message)
        self.problems = problems


class UploadRejected(SubmissionError):
    default = _l("This file cannot be used.")


class UploadBusy(UploadRejected):
    default = _l("Many images are being uploaded just now. Please try again in a moment.")


def current_time() -> datetime:
    """The current moment (aware); the one clock of this module, replaced in tests."""
    return utcnow()


def _now(now: datetime | None) -> datetime:
    return now if now is not None else current_time()


# ---------------------------------------------------------------- the window and permissions


def closes_at(entry: Entry) -> datetime:
    """When the form closes for this entry: the deadline, or a later reopening by staff."""
    deadline = entry.edition.entry_deadline
    if entry.reopened_until and entry.reopened_until > deadline:
        return entry.reopened_until
    return deadline


def is_reopened(entry: Entry, now: datetime | None = None) -> bool:
    """True while a staff reopening keeps this entry's form open."""
    return entry.reopened_until is not None and _now(now) <= entry.reopened_until


def window_open(entry: Entry, now: datetime | None = None) -> bool:
    """True while the filmmaker may change or submit this entry (deadline or reopening, aware)."""
    now = _now(now)
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
    now = _now(now)
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


def _ensure_owner(entry: Entry, actor: User) -> None:
    if not entry.is_owned_by(actor):
        raise InvalidTransition(_("Only the filmmaker who entered this film can change it."))


def _ensure_editable(entry: Entry, now: datetime) -> None:
    if entry.status not in EDITABLE:
        raise InvalidTransition(
            _("This entry can no longer be changed (status: %(s)s).", s=entry.status.value)
        )
    if not window_open(entry, now):
        raise DeadlinePassed()


def _ensure_version(entry: Entry, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != entry.version:
        raise StaleEntry()


# ---------------------------------------------------------------- completeness


REQUIRED_TEXT = (
    ("title_original", _l("Give the original title.")),
    ("title_en", _l("Give the English title.")),
    ("country", _l("Give the country of production.")),
    ("languages", _l("Give the language(s) of the film.")),
    ("synopsis_short", _l("Give a short synopsis.")),
    ("director", _l("Give the director.")),
    ("production_company", _l("Give the production company.")),
    ("rights_holder", _l("Give the rights holder.")),
    ("contact_name", _l("Give a contact person.")),
    ("contact_email", _l("Give a contact e-mail address.")),
    ("screener_url", _l("Give a screener link so that the curators can watch the film.")),
)


def _column_length(name: str) -> int | None:
    return getattr(Entry.__table__.c[name].type, "length", None)


def submission_problems(entry: Entry, now: datetime | None = None) -> list[tuple[str, str]]:
    """What stops this entry from being submitted, as (field, message) pairs; empty when complete.

    Checks the required fields (and those of the chosen format), ranges (runtime 1-600, year
    1950..next year), http(s) links, text lengths, the poster, the number of stills and the terms.
    """
    now = _now(now)
    problems: list[tuple[str, str]] = []
    for name, message in REQUIRED_TEXT:
        if not (getattr(entry, name) or "").strip():
            problems.append((name, str(message)))
    for name in (
        STEP_FIELDS["film"] + STEP_FIELDS["people"] + STEP_FIELDS["links"] + ("delivery", "sound_format")
    ):
        value, limit = getattr(entry, name), _column_length(name)
        if isinstance(value, str) and limit and len(value) > limit:
            problems.append((name, _("Use at most %(n)d characters.", n=limit)))
    if entry.synopsis_long and len(entry.synopsis_long) > SYNOPSIS_LONG_MAX:
        problems.append(("synopsis_long", _("Use at most %(n)d characters.", n=SYNOPSIS_LONG_MAX)))
    if entry.format is None:
        problems.append(("format", _("Choose the film's format.")))
    if entry.runtime_minutes is None:
        problems.append(("runtime_minutes", _("Give the running time in minutes.")))
    elif message := runtime_problem(entry.runtime_minutes):
        problems.append(("runtime_minutes", message))
    if entry.year is None:
        problems.append(("year", _("Give the year of completion.")))
    elif message := year_problem(entry.year, now):
        problems.append(("year", message))
    audiences = entry.audiences or []
    if not audiences or any(a not in AUDIENCE_VALUES for a in audiences):
        problems.append(("audiences", _("Choose at least one target audience.")))
    if entry.premiere_status is None:
        problems.append(("premiere_status", _("Choose the premiere status.")))
    if entry.delivery not in DELIVERY_LABELS:
        problems.append(("delivery", _("Choose how the screening copy will be delivered.")))
    if entry.sound_format not in SOUND_LABELS:
        problems.append(("sound_format", _("Choose the sound format.")))
    problems += _tech_problems(entry)
    for name in ("trailer_url", "screener_url"):
        if message := url_problem(getattr(entry, name)):
            problems.append((name, message))
    if message := email_problem(entry.contact_email):
        problems.append(("contact_email", message))
    images = list(entry.images)
    if not any(image.kind == ImageKind.POSTER for image in images):
        problems.append(("poster", _("Upload a poster.")))
    if sum(image.kind == ImageKind.STILL for image in images) > MAX_STILLS:
        problems.append(("stills", _("Keep at most %(n)d stills.", n=MAX_STILLS)))
    if entry.terms_accepted_at is None:
        problems.append(("terms", _("Accept the festival's terms.")))
    return problems


def _tech_problems(entry: Entry) -> list[tuple[str, str]]:
    spec = entry.tech_spec or {}
    problems = []
    for field in tech_fields(entry.format):
        value = spec.get(field.key)
        missing = value is None or value == ""
        if missing and field.required:
            problems.append((f"tech_{field.key}", _("Answer this for the chosen format.")))
        elif not missing and field.kind == "choice" and value not in field.options:
            problems.append((f"tech_{field.key}", _("Choose one of the listed values.")))
        elif not missing and field.kind == "text" and len(str(value)) > field.max_length:
            problems.append((f"tech_{field.key}", _("Use at most %(n)d characters.", n=field.max_length)))
    return problems


def step_of(field: str) -> str:
    """The form step where a problem's field is filled in."""
    if field.startswith("tech_"):
        return "technical"
    for step, fields in STEP_FIELDS.items():
        if field in fields:
            return step
    return EXTRA_PROBLEM_STEPS.get(field, "review")


def problems_by_step(problems: Iterable[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Problems grouped by the step that fixes them, in step order."""
    grouped: dict[str, list[tuple[str, str]]] = {step: [] for step in STEPS}
    for field, message in problems:
        grouped[step_of(field)].append((field, message))
    return grouped


# ---------------------------------------------------------------- drafts


def create_entry(edition: Edition, *, owner: User, now: datetime | None = None) -> Entry:
    """Start a draft entry for an edition whose call is open; raises DeadlinePassed, InvalidTransition."""
    now = _now(now)
    if owner.role != Role.FILMMAKER:
        raise InvalidTransition(_("Only filmmaker accounts can enter films."))
    if edition.status != EditionStatus.OPEN or edition.deadline_passed(now):
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
    rejected: Collection[str] = (),
    expected_version: int | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Write one step's fields and return the names that changed.

    ``values`` holds the fields whose input passed the form's checks; ``rejected`` names those that
    did not. A draft keeps the valid fields (the rest stay as they were); a submitted entry is
    changed only when every field is valid and it stays complete, otherwise nothing is written.
    Changes to a submitted entry go to the audit trail. Raises DeadlinePassed, InvalidTransition,
    StaleEntry, InvalidInput, IncompleteEntry.
    """
    now = _now(now)
    _ensure_owner(entry, actor)
    _ensure_editable(entry, now)
    _ensure_version(entry, expected_version)
    fields = STEP_FIELDS[step]
    changes = {}
    for name in fields:
        if name == "tech_spec" and "tech_spec" in values:
            changes[name] = _merged_tech_spec(entry, values["tech_spec"], entry.format)
        elif name in values:
            changes[name] = _clean_value(name, values[name])
    if entry.status == EntryStatus.SUBMITTED:
        if rejected:
            raise InvalidInput()
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
    if entry.status != EntryStatus.DRAFT and keys_before != (
        entry.company_keys,
        entry.person_keys,
        entry.country_keys,
    ):
        # a new company (or director, country) may be one a curator of this entry declared a conflict with
        review_services.recheck_assignments(entry, actor=actor)
    return [name for name in changes if before[name] != after[name]]


def delete_draft(entry: Entry, *, actor: User) -> None:
    """Delete a draft entry and (after commit) its image files; raises InvalidTransition."""
    _ensure_owner(entry, actor)
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
    now = _now(now)
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
    raise SubmissionError(_("Too many entries are being submitted right now; please try again in a moment."))


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
    never makes a second reference or mail. Raises EmailNotConfirmed, DeadlinePassed,
    InvalidTransition, StaleEntry and IncompleteEntry (with the problems).
    """
    now = _now(now)
    _ensure_owner(entry, actor)
    if entry.status == EntryStatus.SUBMITTED:
        return False
    if entry.status not in SUBMITTABLE:
        raise InvalidTransition()
    if actor.email_confirmed_at is None:
        raise EmailNotConfirmed()
    if not window_open(entry, now):
        raise DeadlinePassed()
    _ensure_version(entry, expected_version)
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
    _ensure_owner(entry, actor)
    if not can_withdraw(entry):
        raise InvalidTransition(_("Only a submitted or waitlisted entry can be withdrawn."))
    set_entry_status(entry, EntryStatus.WITHDRAWN, actor=actor, now=now)
    db.session.flush()
    mails.send_withdrawn(entry)


def reopen_entry(entry: Entry, *, actor: User, until: datetime | None, now: datetime | None = None) -> None:
    """Staff: let the filmmaker change and submit this entry until ``until`` (None closes it again).

    ``until`` must be aware and in the future. The filmmaker is told by mail. Raises
    InvalidTransition for decided entries or non-staff actors, and ValueError-like SubmissionError
    for a time in the past.
    """
    now = _now(now)
    if not actor.is_staff:
        raise InvalidTransition(_("Only festival staff can reopen an entry."))
    if entry.status not in REOPENABLE:
        raise InvalidTransition(_("A decided entry cannot be reopened."))
    if until is not None:
        if until.tzinfo is None:
            raise SubmissionError(_("Give the time with its timezone."))
        if until <= now:
            raise SubmissionError(_("Choose a time in the future."))
    old = entry.reopened_until
    entry.reopened_until = until
    audit.record(entry, actor=actor, action="reopen", field="reopened_until", old=old, new=until)
    db.session.flush()
    if until is not None:
        mails.send_reopened(entry)


# ---------------------------------------------------------------- images


def add_image(
    entry: Entry, *, actor: User, kind: ImageKind | str, upload: FileStorage, now: datetime | None = None
) -> EntryImage:
    """Check and store an uploaded poster or still; a new poster replaces the old one.

    Needs a confirmed e-mail address. At most UPLOAD_DECODES_PER_USER uploads of one user and
    UPLOAD_DECODES_PER_PROCESS in all are decoded at once in a worker process. Raises UploadBusy
    (try again in a moment), UploadRejected (address not confirmed, wrong type by content, too many
    bytes or pixels, damaged, a 7th still), DeadlinePassed and InvalidTransition. The files are
    removed again if the row is not written.
    """
    now = _now(now)
    kind = ImageKind(kind)
    _ensure_owner(entry, actor)
    if actor.email_confirmed_at is None:
        raise UploadRejected(
            _(
                "Please confirm your e-mail address before uploading images: open the link we sent you "
                "(My entries can send it again)."
            )
        )
    _ensure_editable(entry, now)
    images = list(entry.images)
    stills = [image for image in images if image.kind == ImageKind.STILL]
    if kind == ImageKind.STILL and len(stills) >= MAX_STILLS:
        raise UploadRejected(_("You can upload at most %(n)d stills; delete one first.", n=MAX_STILLS))
    config = current_app.config
    try:
        with uploads.decoding_slot(
            actor.id,
            per_process=config["UPLOAD_DECODES_PER_PROCESS"],
            per_user=config["UPLOAD_DECODES_PER_USER"],
            wait=config["UPLOAD_DECODE_WAIT_SECONDS"],
        ):
            clean = uploads.clean_image(
                upload.stream, max_bytes=config["UPLOAD_MAX_BYTES"], max_pixels=config["UPLOAD_MAX_PIXELS"]
            )
    except uploads.UploadBusy as exc:
        raise UploadBusy(str(exc)) from exc
    except uploads.UploadRejected as exc:
        raise UploadRejected(str(exc)) from exc
    stored_name = uploads.new_stored_name(clean.extension)
    try:
        paths = uploads.store_files(db.session, entry.id, stored_name, clean)
    except OSError as exc:  # disk full, read-only or missing upload folder: the server's fault
        log.error("could not store an upload for entry %s: %s", entry.id, exc)
        raise UploadRejected(
            _("The server could not store the image just now; nothing was saved. Please try again later.")
        ) from exc
    try:
        if kind == ImageKind.POSTER:
            for old in (image for image in images if image.kind == ImageKind.POSTER):
                _drop_image(entry, old)
        image = EntryImage(
            kind=kind,
            stored_name=stored_name,
            original_name=(upload.filename or "image")[:255],
            mime_type=clean.mime_type,
            width=clean.width,
            height=clean.height,
            size_bytes=len(clean.data),
            position=0 if kind == ImageKind.POSTER else len(stills) + 1,
        )
        entry.images.append(image)
        db.session.flush()
    except Exception:
        uploads.remove_files(paths)
        raise
    return image


def next_image_kind(entry: Entry) -> str:
    """What the upload form offers first: the poster until there is one, then stills."""
    has_poster = any(image.kind == ImageKind.POSTER for image in entry.images)
    return ImageKind.STILL.value if has_poster else ImageKind.POSTER.value


def _drop_image(entry: Entry, image: EntryImage) -> None:
    uploads.remove_after_commit(db.session, entry.id, image.stored_name)
    entry.images.remove(image)
    db.session.delete(image)


def _renumber_stills(entry: Entry) -> None:
    stills = sorted((i for i in entry.images if i.kind == ImageKind.STILL), key=lambda i: (i.position, i.id))
    for position, image in enumerate(stills, start=1):
        image.position = position


def delete_image(entry: Entry, image: EntryImage, *, actor: User, now: datetime | None = None) -> None:
    """Delete a poster or still; a submitted entry keeps its poster (replace it instead)."""
    now = _now(now)
    _ensure_owner(entry, actor)
    _ensure_editable(entry, now)
    if image.kind == ImageKind.POSTER and entry.status == EntryStatus.SUBMITTED:
        raise InvalidTransition(_("A submitted entry needs its poster: upload a new one to replace it."))
    _drop_image(entry, image)
    _renumber_stills(entry)
    db.session.flush()


def move_image(
    entry: Entry, image: EntryImage, *, actor: User, offset: int, now: datetime | None = None
) -> None:
    """Move a still one place earlier (offset -1) or later (+1) in the entry's gallery."""
    now = _now(now)
    _ensure_owner(entry, actor)
    _ensure_editable(entry, now)
    if image.kind != ImageKind.STILL or offset not in (-1, 1):
        raise InvalidTransition(_("Only stills can be reordered."))
    _renumber_stills(entry)
    stills = sorted((i for i in entry.images if i.kind == ImageKind.STILL), key=lambda i: i.position)
    index = stills.index(image)
    other = index + offset
    if 0 <= other < len(stills):
        stills[index].position, stills[other].position = stills[other].position, stills[index].position
    db.session.flush()
