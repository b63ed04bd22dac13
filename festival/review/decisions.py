"""Selection decisions: drafts by the panel lead or staff, release by staff, and the entry's status.

Accepted decisions are what the timetable solver reads (screenings, popularity, dates, copies,
features), so they are checked here against the scheduler's rules and the edition's screening window.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date

import sqlalchemy as sa
from flask_babel import LazyString, lazy_ngettext
from flask_babel import lazy_gettext as _l

from festival.audit import record, record_changes
from festival.editions import lifecycle
from festival.errors import InvalidInput, InvalidTransition, NotAllowed, StaleEdit
from festival.extensions import db
from festival.mail.services import send_mail
from festival.models import Decision, Edition, Entry, Theater, User, Venue
from festival.models.enums import DecisionOutcome, EntryStatus
from festival.models.types import utcnow
from festival.models.venue import FEATURE_PATTERN
from festival.review import queries
from festival.review.letters import compose
from festival.review.locking import optimistic
from festival.schedule import adapter
from festival.submissions.services import set_entry_status

# Which outcomes a release may give an entry in each state (the entry's state machine itself, with every
# move, lives in submissions.services.TRANSITIONS / set_entry_status).
ENTRY_TRANSITIONS: dict[EntryStatus, frozenset[EntryStatus]] = {
    EntryStatus.SUBMITTED: frozenset({EntryStatus.ACCEPTED, EntryStatus.WAITLISTED, EntryStatus.REJECTED}),
    EntryStatus.WAITLISTED: frozenset({EntryStatus.ACCEPTED, EntryStatus.REJECTED}),
}
LIMITS = {
    "min_screenings": 500,
    "max_screenings": 500,
    "max_per_day": 50,
    "copies": 20,
    "popularity": 100_000,
}


@dataclass
class DecisionInput:
    """What a lead or staff member decides for one entry."""

    outcome: DecisionOutcome
    min_screenings: int | None = None
    max_screenings: int | None = None
    max_per_day: int | None = 1
    copies: int | None = 1
    requires: list[str] = field(default_factory=list)
    popularity: int | None = None
    not_before: date | None = None
    not_after: date | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        self.outcome = DecisionOutcome(self.outcome)

    @classmethod
    def from_decision(cls, decision: Decision) -> DecisionInput:
        """The values a stored decision holds."""
        return cls(**{f.name: getattr(decision, f.name) for f in fields(cls)})


def _snapshot(decision: Decision) -> dict:
    values = {f.name: getattr(decision, f.name) for f in fields(DecisionInput)}
    values["requires"] = list(values["requires"] or [])
    values["released_at"] = decision.released_at
    return values


def set_entry_outcome(entry: Entry, outcome: DecisionOutcome, *, actor: User) -> None:
    """Move an entry to accepted, waitlisted or rejected when its decision is released.

    The review policy (ENTRY_TRANSITIONS: a submitted entry takes any outcome, a waitlisted one may still
    be accepted or rejected) is checked here; the move itself goes through the entry's one state
    function, ``submissions.services.set_entry_status``, which also records the audit event. The
    filmmaker's letter is sent by ``release_decisions``, the only caller. Raises InvalidTransition."""
    target = EntryStatus(outcome.value)
    if target not in ENTRY_TRANSITIONS.get(entry.status, frozenset()):
        raise InvalidTransition(
            _l(
                "%(reference)s is %(status)s and cannot become %(target)s.",
                reference=entry.reference or entry.display_title,
                status=entry.status.value,
                target=target.value,
            )
        )
    set_entry_status(entry, target, actor=actor)


def _features_offered(edition: Edition, entry: Entry) -> set[str] | None:
    """Features of the edition's theaters that can show the entry's format (None: no theaters yet)."""
    theaters = list(
        db.session.scalars(
            sa.select(Theater).join(Venue, Venue.id == Theater.venue_id).where(Venue.edition_id == edition.id)
        )
    )
    if not theaters:
        return None
    fmt = entry.format.value if entry.format else None
    return {f for t in theaters if fmt in (t.formats or []) for f in (t.features or [])}


def validate(values: DecisionInput, entry: Entry, edition: Edition) -> dict[str, list[str]]:
    """Field errors of a decision. The festival's own limits are checked here; an accepted film must also
    pass the solver's reader (``adapter.film_errors``), which keeps the format's rules (the minimum not
    above the maximum, ...) in one place."""
    errors: dict[str, list[str]] = {}
    accepted = values.outcome == DecisionOutcome.ACCEPTED
    if accepted:
        for name in ("min_screenings", "max_screenings", "popularity"):
            if getattr(values, name) is None:
                errors[name] = [_l("Required for an accepted film.")]
    for name, most in LIMITS.items():
        value = getattr(values, name)
        least = 1 if name in ("max_per_day", "copies") or (name == "max_screenings" and accepted) else 0
        if value is not None and not least <= value <= most:
            errors.setdefault(name, []).append(
                _l("Give a number from %(low)s to %(high)s.", low=least, high=most)
            )
    if values.max_per_day is None or values.copies is None:
        errors.setdefault("max_per_day" if values.max_per_day is None else "copies", []).append(
            _l("Required.")
        )
    low = values.min_screenings
    if values.outcome != DecisionOutcome.REJECTED:  # the solver's reader on the film this decision makes
        for name, messages in adapter.film_errors(entry, values).items():
            if name not in errors:
                errors.setdefault(name, []).extend(messages)
    for name in ("not_before", "not_after"):
        day = getattr(values, name)
        if day is not None and not edition.first_day <= day <= edition.last_day:
            errors[name] = [
                _l(
                    "Choose a date inside the screening window, %(first)s to %(last)s.",
                    first=edition.first_day.isoformat(),
                    last=edition.last_day.isoformat(),
                )
            ]
    if (
        accepted
        and low
        and values.max_per_day
        and not errors.get("not_before")
        and not errors.get("not_after")
    ):
        days = ((values.not_after or edition.last_day) - (values.not_before or edition.first_day)).days + 1
        if low > values.max_per_day * days:
            errors.setdefault("min_screenings", []).append(
                lazy_ngettext(
                    "%(num)d screening does not fit in %(days)s days at %(per_day)s a day.",
                    "%(num)d screenings do not fit in %(days)s days at %(per_day)s a day.",
                    low,
                    days=days,
                    per_day=values.max_per_day,
                )
            )
    bad = [f for f in values.requires if not FEATURE_PATTERN.fullmatch(f)]
    if bad:
        errors["requires"] = [_l("Use short lower-case feature names such as 3d or motion_seats.")]
    elif values.requires:
        offered = _features_offered(edition, entry)
        missing = sorted(set(values.requires) - offered) if offered is not None else []
        if missing:
            errors["requires"] = [
                _l(
                    "No theater of this edition that shows this format has: %(features)s.",
                    features=", ".join(missing),
                )
            ]
    return errors


def save_decision(
    entry: Entry, values: DecisionInput, *, actor: User, expected_version: int | None
) -> Decision:
    """Create or change the entry's decision as a draft (audited field by field).

    Once released, only staff may change it: screening details freely; the outcome only of a waitlisted
    entry, which makes the decision a draft again, to be released (and announced) anew.
    Raises InvalidInput, NotAllowed, InvalidTransition or StaleEdit."""
    edition = db.session.get(Edition, entry.edition_id)
    decision = queries.decision_of(entry)
    if values.outcome == DecisionOutcome.REJECTED:
        values.min_screenings = values.max_screenings = values.popularity = None
        values.not_before = values.not_after = None
        values.requires, values.max_per_day, values.copies = [], 1, 1
    values.requires = sorted({r.strip().lower() for r in values.requires if r and r.strip()})
    values.note = (values.note or "").strip() or None
    errors = validate(values, entry, edition)
    if errors:
        raise InvalidInput(errors=errors)
    redraft = False
    if decision is not None and decision.released_at is not None:
        if not actor.is_staff:
            raise NotAllowed(_l("This decision has been released; only staff can change it now."))
        if values.outcome != decision.outcome:
            if EntryStatus(values.outcome.value) not in ENTRY_TRANSITIONS.get(entry.status, frozenset()):
                raise InvalidTransition(
                    _l("The filmmaker has been told; only a waitlisted film can still change its outcome.")
                )
            redraft = True
    before = _snapshot(decision) if decision is not None else {}
    with optimistic(decision, expected_version):
        if decision is None:
            decision = Decision(entry_id=entry.id, outcome=values.outcome)
            db.session.add(decision)
        for name, value in vars(values).items():
            setattr(decision, name, value)
        decision.decided_by_id = actor.id
        if redraft:
            decision.released_at = None
    record_changes(decision, actor=actor, action="decision.save", before=before, after=_snapshot(decision))
    return decision


def discard_decision(decision: Decision, *, actor: User, expected_version: int | None) -> None:
    """Delete a draft decision (a released one stays)."""
    if decision.released_at is not None:
        raise NotAllowed(_l("This decision has been released and cannot be deleted."))
    if expected_version is not None and expected_version != decision.version:
        raise StaleEdit()
    record(decision, actor=actor, action="decision.discard", old=_snapshot(decision))
    db.session.delete(decision)
    db.session.flush()


@dataclass
class BulkResult:
    saved: list[Decision]
    skipped: list[tuple[Entry, str]]


def bulk_values(
    entry: Entry,
    outcome: DecisionOutcome,
    *,
    min_screenings: int | None,
    max_screenings: int | None,
    popularity: int | None,
) -> DecisionInput | None:
    """What a bulk decision makes of one entry: its draft's details (or the defaults) with the outcome and
    the numbers given; None for a released decision, which a bulk decision skips. The ranking's capacity
    figures stage the same values (festival.schedule.capacity)."""
    decision = queries.decision_of(entry)
    if decision is not None and decision.released_at is not None:
        return None
    values = DecisionInput.from_decision(decision) if decision else DecisionInput(outcome=outcome)
    values.outcome = outcome
    for name, value in (
        ("min_screenings", min_screenings),
        ("max_screenings", max_screenings),
        ("popularity", popularity),
    ):
        if value is not None:
            setattr(values, name, value)
    return values


def bulk_decide(
    entries: list[Entry],
    *,
    outcome: DecisionOutcome,
    min_screenings: int | None,
    max_screenings: int | None,
    popularity: int | None,
    actor: User,
    expected_versions: dict[int, int],
) -> BulkResult:
    """Give several entries the same outcome (drafts); released decisions are skipped, other details of
    an existing draft are kept. All or nothing: one invalid entry fails the whole batch."""
    result = BulkResult(saved=[], skipped=[])
    problems: list[str] = []
    numbers = {"min_screenings": min_screenings, "max_screenings": max_screenings, "popularity": popularity}
    for entry in entries:
        values = bulk_values(entry, outcome, **numbers)
        if values is None:
            result.skipped.append((entry, _l("already released")))
            continue
        try:
            result.saved.append(
                save_decision(entry, values, actor=actor, expected_version=expected_versions.get(entry.id))
            )
        except InvalidInput as exc:
            problems.append(LazyString(lambda ref=entry.reference, exc=exc: f"{ref}: {exc}"))
    if problems:
        raise InvalidInput(_l("Nothing was saved."), errors={"bulk": problems})
    return result


@dataclass
class ReleaseReport:
    released: list[Decision]
    skipped: list[tuple[Decision, str]]


def release_decisions(edition: Edition, decision_ids: list[int], *, actor: User) -> ReleaseReport:
    """Release draft decisions: each entry takes its outcome status, the decision is stamped released,
    and the filmmaker gets the edition's letter for that outcome in the entry's language (kept in the
    outbox). Decisions that cannot be released (entry withdrawn, data no longer valid) are skipped with a
    reason. Raises StaleEdit when someone else changed or released one of them at the same time, and
    InvalidTransition outside review and programming (festival.editions.lifecycle)."""
    lifecycle.require(edition, lifecycle.Action.DECIDE)
    report = ReleaseReport(released=[], skipped=[])
    stmt = (
        sa.select(Decision)
        .join(Entry, Entry.id == Decision.entry_id)
        .where(Decision.id.in_(decision_ids), Entry.edition_id == edition.id)
        .order_by(Entry.reference)
    )
    for decision in db.session.scalars(stmt):
        if decision.released_at is not None:
            report.skipped.append((decision, _l("already released")))
            continue
        entry = decision.entry
        errors = validate(DecisionInput.from_decision(decision), entry, edition)
        if errors:
            report.skipped.append((decision, LazyString(str, InvalidInput(errors=errors))))
            continue
        try:
            set_entry_outcome(entry, decision.outcome, actor=actor)
        except InvalidTransition as exc:
            report.skipped.append((decision, exc.message))
            continue
        with optimistic(decision, None):
            decision.released_at = utcnow()
        record(
            decision, actor=actor, action="decision.release", field="released_at", new=decision.released_at
        )
        letter = compose(decision)
        send_mail(
            to=letter.to, subject=letter.subject, body=letter.body, kind=f"decision_{decision.outcome.value}"
        )
        report.released.append(decision)
    return report
