"""Rules and writes of the review area: panels, assignments, conflicts, rubric and reviews.

Services flush, never commit; the view (or command) commits once. They raise the site's domain errors
(``festival.errors``). Decisions and their release live in ``decisions.py``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from festival.audit import record, record_changes
from festival.errors import InvalidInput, NotAllowed
from festival.extensions import db
from festival.models import (
    Assignment,
    Conflict,
    Edition,
    Entry,
    Panel,
    PanelEntry,
    PanelMember,
    Review,
    RubricCriterion,
    User,
)
from festival.models.enums import ConflictKind, FilmFormat, ReviewStatus, Role
from festival.models.types import utcnow
from festival.namekeys import name_key
from festival.review import queries
from festival.review.assignment import AssignmentPlan, AssignmentProblem, plan_assignment
from festival.review.locking import optimistic
from festival.submissions import events

DEFAULT_RUBRIC = (
    ("scientific_accuracy", "Scientific accuracy", "科学准确性", 1.5),
    ("artistic_quality", "Artistic quality", "艺术质量", 1.0),
    ("technical_quality", "Technical quality", "技术质量", 1.0),
    ("audience_appeal", "Audience appeal", "观众吸引力", 1.0),
)
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _require_curator(user: User, field: str = "curator") -> None:
    if not user.has_role(Role.CURATOR) or not user.active:
        raise InvalidInput(errors={field: [_l("Only active curator accounts can do this.")]})


# Others who declare conflicts of interest like curators (the audience area's jurors): predicates
# (user, edition) -> bool that areas add; conflicted() then hides the same entries from them.
CONFLICT_DECLARERS: list[Callable[[User, Edition], bool]] = []


def _require_declarer(user: User, edition: Edition) -> None:
    """Curators declare conflicts; so do the people an area vouches for in CONFLICT_DECLARERS."""
    if user.active and any(vouch(user, edition) for vouch in CONFLICT_DECLARERS):
        return
    _require_curator(user)


# -- panels -------------------------------------------------------------------------------------------


def _check_panel_name(edition: Edition, name: str, panel: Panel | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput(errors={"name": [_l("Give the panel a name.")]})
    clash = db.session.scalar(
        sa.select(Panel).where(Panel.edition_id == edition.id, sa.func.lower(Panel.name) == name.lower())
    )
    if clash is not None and clash is not panel:
        raise InvalidInput(errors={"name": [_l("This edition already has a panel with this name.")]})
    return name


def create_panel(edition: Edition, *, name: str, film_format: FilmFormat | None, actor: User) -> Panel:
    """A new panel; its format decides which entries it reviews unless staff move an entry."""
    panel = Panel(edition_id=edition.id, name=_check_panel_name(edition, name), format=film_format)
    db.session.add(panel)
    db.session.flush()
    record(panel, actor=actor, action="panel.create", new={"name": panel.name, "format": film_format})
    return panel


def update_panel(panel: Panel, *, name: str, film_format: FilmFormat | None, actor: User) -> Panel:
    """Rename a panel or change its format."""
    edition = db.session.get(Edition, panel.edition_id)
    before = {"name": panel.name, "format": panel.format}
    panel.name = _check_panel_name(edition, name, panel)
    panel.format = film_format
    record_changes(
        panel,
        actor=actor,
        action="panel.update",
        before=before,
        after={"name": panel.name, "format": film_format},
    )
    db.session.flush()
    return panel


def delete_panel(panel: Panel, *, actor: User) -> None:
    """Remove a panel; its entries fall back to their format's panel, assignments are kept."""
    db.session.execute(sa.delete(PanelEntry).where(PanelEntry.panel_id == panel.id))
    db.session.execute(sa.update(Assignment).where(Assignment.panel_id == panel.id).values(panel_id=None))
    record(panel, actor=actor, action="panel.delete", old={"name": panel.name})
    db.session.delete(panel)
    db.session.flush()


def add_member(panel: Panel, user: User, *, is_lead: bool, actor: User) -> PanelMember:
    """Seat a curator on a panel (once); a new lead replaces the old one."""
    _require_curator(user)
    member = next((m for m in panel.members if m.user_id == user.id), None)
    if member is None:
        member = PanelMember(user_id=user.id, is_lead=False)
        panel.members.append(member)
        db.session.flush()
        record(panel, actor=actor, action="panel.member_add", new={"user": user.email})
    if is_lead:
        set_lead(member, actor=actor)
    db.session.flush()
    return member


def set_lead(member: PanelMember, *, actor: User) -> None:
    """Make this member the panel's only lead."""
    for other in member.panel.members:
        other.is_lead = other is member
    record(member.panel, actor=actor, action="panel.lead", new={"user_id": member.user_id})
    db.session.flush()


def remove_member(member: PanelMember, *, actor: User) -> None:
    """Take a curator off a panel (their assignments and reviews stay)."""
    panel = member.panel
    record(panel, actor=actor, action="panel.member_remove", old={"user_id": member.user_id})
    panel.members.remove(member)
    db.session.flush()


def move_entry(entry: Entry, panel: Panel | None, *, actor: User) -> None:
    """Send an entry to another panel of its edition, or back to the automatic choice (``None``)."""
    if panel is not None and panel.edition_id != entry.edition_id:
        raise InvalidInput(errors={"panel": [_l("This panel belongs to another edition.")]})
    before = queries.panel_of(entry)
    override = queries.panel_override(entry)
    if panel is None:
        if override is not None:
            db.session.delete(override)
    elif override is None:
        db.session.add(PanelEntry(entry_id=entry.id, panel_id=panel.id))
    else:
        override.panel_id = panel.id
    db.session.flush()
    after = queries.panel_of(entry)
    record(
        entry,
        actor=actor,
        action="entry.panel",
        field="panel",
        old=before.name if before else None,
        new=after.name if after else None,
    )


# -- conflicts ----------------------------------------------------------------------------------------


def declare_conflict(
    edition: Edition,
    *,
    curator: User,
    kind: ConflictKind,
    entry: Entry | None = None,
    value: str | None = None,
    reason: str | None = None,
    actor: User | None = None,
) -> Conflict:
    """Record a conflict of interest (idempotent) and withdraw the curator from what it covers:
    their assignments to those entries go, and so do their draft reviews. Submitted reviews stay
    on record but no longer count in rankings. Names are compared by their matching key
    (festival.namekeys), so "Giant Frame Pictures Ltd" is the same company as "GIANT  FRAME PICTURES".
    ``actor`` is staff linking an entry by hand (``link_entry``); by default the curator declares.
    Jurors declare theirs the same way (CONFLICT_DECLARERS)."""
    _require_declarer(curator, edition)
    existing = queries.conflicts_of(curator, edition)
    if kind == ConflictKind.ENTRY:
        if entry is None or entry.edition_id != edition.id:
            raise InvalidInput(errors={"entry": [_l("Choose an entry of this edition.")]})
        same = next((c for c in existing if c.kind == kind and c.entry_id == entry.id), None)
        value = None
    else:
        value = " ".join((value or "").split())
        if not name_key(value):
            raise InvalidInput(
                errors={"value": [_l("Type the company, person or country you are connected with.")]}
            )
        if len(value) > 200:
            raise InvalidInput(errors={"value": [_l("At most 200 characters.")]})
        same = next((c for c in existing if c.kind == kind and c.value_key == name_key(value)), None)
    if same is not None:
        return same
    conflict = Conflict(
        edition_id=edition.id,
        curator_id=curator.id,
        kind=kind,
        entry_id=entry.id if entry is not None and kind == ConflictKind.ENTRY else None,
        value=value,
        reason=(reason or "").strip()[:500] or None,
    )
    db.session.add(conflict)
    db.session.flush()
    record(
        conflict,
        actor=actor or curator,
        action="conflict.declare" if actor is None else "conflict.link",
        new={"kind": kind, "entry_id": conflict.entry_id, "value": value, "curator": curator.email},
    )
    covered = sa.select(Entry.id).where(Entry.edition_id == edition.id, queries.conflicted(curator.id))
    db.session.execute(
        sa.delete(Assignment)
        .where(Assignment.curator_id == curator.id, Assignment.entry_id.in_(covered))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.delete(Review)
        .where(
            Review.curator_id == curator.id,
            Review.status == ReviewStatus.DRAFT,
            Review.entry_id.in_(covered),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return conflict


def link_entry(conflict: Conflict, reference: str, *, actor: User) -> Conflict:
    """Staff link an entry to a curator's declared conflict by hand (a spelling no key catches: "GFP"
    for "Giant Frame Pictures"): the curator gets a conflict with that entry, audited as
    ``conflict.link``. Raises InvalidInput when no entry of the edition has the reference."""
    entry = db.session.scalar(
        sa.select(Entry).where(Entry.edition_id == conflict.edition_id, Entry.reference == reference.strip())
    )
    if entry is None:
        raise InvalidInput(errors={"reference": [_l("No entry of this edition has this reference.")]})
    curator = db.session.get(User, conflict.curator_id)
    reason = str(_l("Linked by staff to the declared conflict: %(value)s", value=conflict.value or ""))
    edition = db.session.get(Edition, conflict.edition_id)
    return declare_conflict(
        edition, curator=curator, kind=ConflictKind.ENTRY, entry=entry, reason=reason, actor=actor
    )


@events.entry_names_changed.connect
def recheck_assignments(entry: Entry, *, actor: User | None) -> list[User]:
    """After an entry's names changed (its company, say: the submissions area's ``entry_names_changed``,
    connected here), withdraw the assignments and draft reviews
    of curators who now conflict with it, each with an audit event ``assignment.conflict`` that the
    staff overview shows. Returns those curators."""
    stmt = (
        sa.select(Assignment)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.entry_id == entry.id, queries.conflicted(Assignment.curator_id))
    )
    withdrawn = []
    for assignment in db.session.scalars(stmt).all():
        curator = db.session.get(User, assignment.curator_id)
        record(
            entry,
            actor=actor,
            action="assignment.conflict",
            field="curator",
            old=curator.email,
            new={"production_company": entry.production_company, "rights_holder": entry.rights_holder,
                 "director": entry.director, "contact_name": entry.contact_name, "country": entry.country},
        )  # fmt: skip
        db.session.execute(
            sa.delete(Review).where(
                Review.curator_id == curator.id,
                Review.entry_id == entry.id,
                Review.status == ReviewStatus.DRAFT,
            )
        )
        db.session.delete(assignment)
        withdrawn.append(curator)
    db.session.flush()
    return withdrawn


def remove_conflict(conflict: Conflict, *, actor: User) -> None:
    """Staff withdraw a conflict declared by mistake (the entries reappear for that curator)."""
    record(
        conflict,
        actor=actor,
        action="conflict.remove",
        old={"kind": conflict.kind, "value": conflict.value, "entry_id": conflict.entry_id},
    )
    db.session.delete(conflict)
    db.session.flush()


# -- assignments --------------------------------------------------------------------------------------


def is_conflicted(curator: User, entry: Entry) -> bool:
    """True when the curator declared a conflict covering the entry."""
    stmt = sa.select(Entry.id).where(Entry.id == entry.id, queries.conflicted(curator.id))
    return db.session.scalar(stmt) is not None


def assign(entry: Entry, curator: User, *, actor: User, panel: Panel | None = None) -> Assignment:
    """Give one entry to one curator (idempotent); refused when the curator conflicts with it."""
    _require_curator(curator)
    if is_conflicted(curator, entry):
        raise InvalidInput(errors={"curator": [_l("This curator has declared a conflict with this entry.")]})
    existing = db.session.scalar(
        sa.select(Assignment).where(Assignment.entry_id == entry.id, Assignment.curator_id == curator.id)
    )
    if existing is not None:
        return existing
    panel = panel or queries.panel_of(entry)
    assignment = Assignment(entry_id=entry.id, curator_id=curator.id, panel_id=panel.id if panel else None)
    db.session.add(assignment)
    db.session.flush()
    record(entry, actor=actor, action="assignment.add", field="curator", new=curator.email)
    return assignment


def unassign(assignment: Assignment, *, actor: User) -> None:
    """Take an entry back from a curator (their review, if any, stays)."""
    record(
        assignment.entry,
        actor=actor,
        action="assignment.remove",
        field="curator",
        old=assignment.curator.email,
    )
    db.session.delete(assignment)
    db.session.flush()


@dataclass
class AssignmentRun:
    """What a balanced assignment did (or would do): the plan and the rows it names."""

    plan: AssignmentPlan
    entries: dict[int, Entry]
    curators: dict[int, User]
    k: int
    applied: bool

    def new_for(self, curator_id: int) -> int:
        """How many new entries the run gives this curator."""
        return sum(1 for _, c in self.plan.new if c == curator_id)


def _pairs(stmt) -> frozenset[tuple[int, int]]:
    return frozenset((a, b) for a, b in db.session.execute(stmt))


def balanced_assignment(
    edition: Edition, *, k: int, panel: Panel | None, actor: User, apply: bool
) -> AssignmentRun:
    """Give every entry of the panel (or of the edition) at least k reviewers from the panel's members
    (or from all curators), keeping existing assignments and respecting conflicts; see ``assignment.py``.
    With ``apply`` false nothing is written (a preview)."""
    if k < 1 or k > 20:
        raise InvalidInput(errors={"k": [_l("Choose between 1 and 20 reviews per entry.")]})
    if panel is not None:
        pool = [m.user for m in panel.members if m.user.active and m.user.has_role(Role.CURATOR)]
        entries = list(db.session.scalars(queries.entries_in_panel(panel)))
    else:
        pool = queries.curators()
        entries = list(db.session.scalars(queries.reviewable_entries(edition)))
    entries = [e for e in entries if queries.released_decision(e) is None]
    entry_ids = [e.id for e in entries]
    curator_ids = [u.id for u in pool]
    existing = _pairs(
        sa.select(Assignment.entry_id, Assignment.curator_id).where(Assignment.entry_id.in_(entry_ids))
    )
    conflicts = _pairs(
        sa.select(Entry.id, User.id)
        .select_from(Entry)
        .join(User, sa.true())
        .where(Entry.id.in_(entry_ids), User.id.in_(curator_ids), queries.conflicted(User.id))
    )
    totals = queries.load_counts(edition, curator_ids)
    inside = {c: sum(1 for _, x in existing if x == c) for c in curator_ids}
    other_load = {c: totals[c] - inside[c] for c in curator_ids}
    problem = AssignmentProblem(
        entries=tuple(entry_ids),
        curators=tuple(curator_ids),
        k=k,
        existing=existing,
        conflicts=conflicts,
        other_load=other_load,
    )
    plan = plan_assignment(problem)
    by_id = {e.id: e for e in entries}
    if apply:
        for entry_id, curator_id in plan.new:
            entry = by_id[entry_id]
            target = panel or queries.panel_of(entry)
            db.session.add(
                Assignment(entry_id=entry_id, curator_id=curator_id, panel_id=target.id if target else None)
            )
        db.session.flush()
        record(
            edition,
            actor=actor,
            action="assignment.balanced",
            new={"k": k, "panel": panel.name if panel else None, "added": len(plan.new)},
        )
    return AssignmentRun(plan=plan, entries=by_id, curators={u.id: u for u in pool}, k=k, applied=apply)


# -- rubric -------------------------------------------------------------------------------------------


def add_default_rubric(edition: Edition, *, actor: User) -> None:
    """Give an edition without criteria the default four (1-10 each)."""
    if edition.criteria:
        raise InvalidInput(errors={"rubric": [_l("This edition already has a rubric.")]})
    for position, (key, label, label_zh, weight) in enumerate(DEFAULT_RUBRIC):
        edition.criteria.append(
            RubricCriterion(key=key, label=label, label_zh=label_zh, weight=weight, position=position)
        )
    db.session.flush()
    record(edition, actor=actor, action="rubric.default", new=[k for k, *_ in DEFAULT_RUBRIC])


def _scored_keys(edition: Edition) -> set[str]:
    stmt = (
        sa.select(Review.scores)
        .join(Entry, Entry.id == Review.entry_id)
        .where(Entry.edition_id == edition.id)
    )
    keys: set[str] = set()
    for scores in db.session.scalars(stmt):
        keys.update(k for k, v in (scores or {}).items() if v is not None)
    return keys


def save_criterion(
    edition: Edition,
    criterion: RubricCriterion | None,
    *,
    key: str,
    label: str,
    label_zh: str | None,
    weight: float,
    min_score: int,
    max_score: int,
    actor: User,
) -> RubricCriterion:
    """Add or change a rubric criterion; its key and range are fixed once curators scored it."""
    errors: dict[str, list[str]] = {}
    key = (key or "").strip()
    if not KEY_RE.match(key):
        errors["key"] = [_l("Use lower-case letters, digits and underscores, starting with a letter.")]
    elif any(c.key == key and c is not criterion for c in edition.criteria):
        errors["key"] = [_l("Another criterion already uses this key.")]
    if weight is None or not math.isfinite(weight) or not 0 < weight <= 100:
        errors["weight"] = [_l("The weight must be above 0 and at most 100.")]
    if min_score is None or max_score is None or min_score >= max_score:
        errors["max_score"] = [_l("The highest score must be above the lowest.")]
    changes_scale = criterion is not None and (
        key != criterion.key or (min_score, max_score) != (criterion.min_score, criterion.max_score)
    )
    if changes_scale and criterion.key in _scored_keys(edition):
        errors.setdefault("key", []).append(
            _l("Curators have scored this criterion: its key and range can no longer change.")
        )
    if not (label or "").strip():
        errors["label"] = [_l("Give the criterion a label.")]
    if errors:
        raise InvalidInput(errors=errors)
    values = {
        "key": key,
        "label": label.strip(),
        "label_zh": (label_zh or "").strip() or None,
        "weight": float(weight),
        "min_score": min_score,
        "max_score": max_score,
    }
    if criterion is None:
        criterion = RubricCriterion(position=len(edition.criteria), **values)
        edition.criteria.append(criterion)
        db.session.flush()
        record(edition, actor=actor, action="rubric.add", field=key, new=values)
        return criterion
    before = {k: getattr(criterion, k) for k in values}
    for name, value in values.items():
        setattr(criterion, name, value)
    if before != values:
        record(edition, actor=actor, action="rubric.update", field=key, old=before, new=values)
    db.session.flush()
    return criterion


def delete_criterion(criterion: RubricCriterion, *, actor: User) -> None:
    """Remove a criterion nobody has scored yet."""
    edition = criterion.edition
    if criterion.key in _scored_keys(edition):
        raise NotAllowed(_l("Curators have scored this criterion; it can no longer be removed."))
    record(edition, actor=actor, action="rubric.remove", field=criterion.key, old=criterion.label)
    edition.criteria.remove(criterion)
    db.session.flush()


# -- reviews ------------------------------------------------------------------------------------------


def _review_snapshot(review: Review) -> dict:
    return {"scores": dict(review.scores or {}), "comment": review.comment, "status": review.status}


def save_review(
    entry: Entry,
    *,
    curator: User,
    scores: dict[str, int | None],
    comment: str | None,
    private_note: str | None,
    submit: bool,
    expected_version: int | None,
) -> Review:
    """Save a curator's draft or submit it. A submitted review stays submitted (later edits must be
    complete); nothing changes once the entry's decision is released. Every change of scores, comment
    or status is audited (the private note is the curator's own and is not)."""
    _require_curator(curator)
    if queries.released_decision(entry) is not None:
        raise NotAllowed(_l("The decision on this entry has been released; reviews are closed."))
    criteria = list(db.session.get(Edition, entry.edition_id).criteria)
    if not criteria:
        raise InvalidInput(errors={"rubric": [_l("This edition has no rubric yet; staff must set one up.")]})
    review = queries.review_of(entry, curator)
    submit = submit or (review is not None and review.status == ReviewStatus.SUBMITTED)
    clean, errors = {}, {}
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None:
            if submit:
                errors[criterion.key] = [_l("Give a score to submit the review.")]
        elif not criterion.min_score <= value <= criterion.max_score:
            errors[criterion.key] = [
                _l("Give a score from %(min)s to %(max)s.", min=criterion.min_score, max=criterion.max_score)
            ]
        clean[criterion.key] = value
    if errors:
        raise InvalidInput(errors=errors)
    with optimistic(review, expected_version):
        if review is None:
            review = Review(entry_id=entry.id, curator_id=curator.id, status=ReviewStatus.DRAFT)
            db.session.add(review)
            before = {}
        else:
            before = _review_snapshot(review)
        review.scores = clean
        review.comment = (comment or "").strip() or None
        review.private_note = (private_note or "").strip() or None
        if submit and review.status != ReviewStatus.SUBMITTED:
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = utcnow()
        review.updated_at = utcnow()
    record_changes(review, actor=curator, action="review.save", before=before, after=_review_snapshot(review))
    db.session.flush()
    return review
