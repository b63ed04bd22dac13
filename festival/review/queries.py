"""Reads of the review area. Every curator-facing list starts from ``visible_entries_for``.

Conflicts of interest are applied in one SQL expression (``conflicted``), so the queue, the search, the
entry page, the ranking and the CSV export cannot disagree about what a curator may see.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort

from festival.audit import history
from festival.extensions import db
from festival.models import (
    Assignment,
    AuditEvent,
    Conflict,
    Decision,
    Edition,
    Entry,
    Panel,
    PanelEntry,
    PanelMember,
    Review,
    RubricCriterion,
    User,
)
from festival.models.enums import ConflictKind, EditionStatus, EntryStatus, FilmFormat, ReviewStatus, Role

# Entries that are (or were) under review: submitted, and the three decided states.
REVIEWABLE = (EntryStatus.SUBMITTED, EntryStatus.ACCEPTED, EntryStatus.WAITLISTED, EntryStatus.REJECTED)
DEFAULT_DISAGREEMENT = 2.0


def _has_key(keys_column) -> sa.ColumnElement[bool]:
    """SQL: the conflict's name key is one of the ``|key|key|`` list in the entry's column (keys hold
    only letters, digits and marks, so LIKE has no wildcard to trip on; the same on every database)."""
    return keys_column.like(sa.literal("%|") + Conflict.value_key + sa.literal("|%"))


def conflicted(curator_id) -> sa.ColumnElement[bool]:
    """SQL condition: the curator (an id or a column) declared a conflict covering the ``Entry`` row:
    the entry itself, or a company (production company, rights holder), a person (director, contact)
    or a country whose matching key (festival.namekeys) the entry's names share."""
    return (
        sa.select(Conflict.id)
        .where(
            Conflict.curator_id == curator_id,
            Conflict.edition_id == Entry.edition_id,
            sa.or_(
                sa.and_(Conflict.kind == ConflictKind.ENTRY, Conflict.entry_id == Entry.id),
                sa.and_(Conflict.kind == ConflictKind.COMPANY, _has_key(Entry.company_keys)),
                sa.and_(Conflict.kind == ConflictKind.PERSON, _has_key(Entry.person_keys)),
                sa.and_(Conflict.kind == ConflictKind.COUNTRY, _has_key(Entry.country_keys)),
            ),
        )
        .exists()
    )


def effective_panel_id() -> sa.ColumnElement[int | None]:
    """SQL: the ``Entry`` row's panel (staff's choice, else its format's, else a general panel)."""
    chosen = sa.select(PanelEntry.panel_id).where(PanelEntry.entry_id == Entry.id).scalar_subquery()
    by_format = (
        sa.select(sa.func.min(Panel.id))
        .where(Panel.edition_id == Entry.edition_id, Panel.format == Entry.format)
        .scalar_subquery()
    )
    general = (
        sa.select(sa.func.min(Panel.id))
        .where(Panel.edition_id == Entry.edition_id, Panel.format.is_(None))
        .scalar_subquery()
    )
    return sa.func.coalesce(chosen, by_format, general)


def reviewable_entries(edition: Edition) -> sa.Select:
    """Entries of the edition that are under review or decided (no drafts, no withdrawn entries)."""
    return sa.select(Entry).where(Entry.edition_id == edition.id, Entry.status.in_(REVIEWABLE))


def visible_entries_for(user: User, edition: Edition) -> sa.Select:
    """The entries this user may see in the review area: staff all (but, when they are a curator too, the
    ones they declared a conflict with); a curator the ones assigned to them or in their panels, never one
    they conflict with; anyone else none."""
    stmt = reviewable_entries(edition)
    if user.is_staff:
        return stmt.where(~conflicted(user.id)) if user.has_role(Role.CURATOR) else stmt
    if not user.has_role(Role.CURATOR):
        return stmt.where(sa.false())
    assigned = sa.select(Assignment.id).where(
        Assignment.entry_id == Entry.id, Assignment.curator_id == user.id
    )
    my_panels = sa.select(PanelMember.panel_id).where(PanelMember.user_id == user.id)
    return stmt.where(
        ~conflicted(user.id),
        sa.or_(assigned.exists(), effective_panel_id().in_(my_panels)),
    )


def entry_in_review_or_404(user: User, entry_id: int) -> Entry:
    """The entry if this user may see it in the review area (``visible_entries_for``: staff, or a curator
    of its panel or assignment without a conflict); 404 otherwise."""
    edition_id = db.session.scalar(sa.select(Entry.edition_id).where(Entry.id == entry_id))
    edition = db.session.get(Edition, edition_id) if edition_id else None
    if edition is None:
        abort(404)
    entry = db.session.scalar(visible_entries_for(user, edition).where(Entry.id == entry_id))
    if entry is None:
        abort(404)
    return entry


def search_visible(user: User, edition: Edition, text: str | None = None) -> sa.Select:
    """Visible entries matching a search text (reference, titles, director, company, country)."""
    stmt = visible_entries_for(user, edition)
    text = (text or "").strip()
    if text:
        like = f"%{text.lower()}%"
        columns = (
            Entry.reference,
            Entry.title_original,
            Entry.title_en,
            Entry.title_zh,
            Entry.director,
            Entry.production_company,
            Entry.country,
        )
        stmt = stmt.where(sa.or_(*(sa.func.lower(c).like(like) for c in columns)))
    return stmt


# -- editions, panels, people -------------------------------------------------------------------------


def review_editions() -> list[Edition]:
    """Editions that can be reviewed, newest screening window first."""
    stmt = sa.select(Edition).where(Edition.status != EditionStatus.DRAFT).order_by(Edition.first_day.desc())
    return list(db.session.scalars(stmt))


def pick_edition(edition_id: int | None) -> Edition | None:
    """The edition asked for (404 if unknown), else the newest one with entries under review."""
    if edition_id is not None:
        edition = db.session.get(Edition, edition_id)
        if edition is None:
            abort(404)
        return edition
    editions = review_editions()
    for edition in editions:
        if db.session.scalar(sa.select(reviewable_entries(edition).exists())):
            return edition
    return editions[0] if editions else None


def panels(edition: Edition) -> list[Panel]:
    """The edition's panels by name."""
    return list(
        db.session.scalars(sa.select(Panel).where(Panel.edition_id == edition.id).order_by(Panel.name))
    )


def panels_of(user: User, edition: Edition, *, lead_only: bool = False) -> list[Panel]:
    """Panels of the edition this user sits on (or leads)."""
    stmt = (
        sa.select(Panel)
        .join(PanelMember, PanelMember.panel_id == Panel.id)
        .where(Panel.edition_id == edition.id, PanelMember.user_id == user.id)
        .order_by(Panel.name)
    )
    if lead_only:
        stmt = stmt.where(PanelMember.is_lead.is_(True))
    return list(db.session.scalars(stmt))


def panel_of(entry: Entry) -> Panel | None:
    """The panel the entry is reviewed by, or None."""
    panel_id = db.session.scalar(sa.select(effective_panel_id()).where(Entry.id == entry.id))
    return db.session.get(Panel, panel_id) if panel_id else None


def panel_override(entry: Entry) -> PanelEntry | None:
    """Staff's explicit choice of panel for the entry, if any."""
    return db.session.scalar(sa.select(PanelEntry).where(PanelEntry.entry_id == entry.id))


def entries_in_panel(panel: Panel) -> sa.Select:
    """Reviewable entries whose effective panel is this one."""
    edition = db.session.get(Edition, panel.edition_id)
    return reviewable_entries(edition).where(effective_panel_id() == panel.id)


def curators() -> list[User]:
    """Active curator accounts by name."""
    stmt = sa.select(User).where(User.has_role(Role.CURATOR), User.active.is_(True)).order_by(User.name)
    return list(db.session.scalars(stmt))


def assignments_for(entry: Entry) -> list[Assignment]:
    """The entry's assignments with their curators."""
    stmt = sa.select(Assignment).where(Assignment.entry_id == entry.id).order_by(Assignment.id)
    return list(db.session.scalars(stmt))


def conflicts_of(user: User, edition: Edition) -> list[Conflict]:
    """Conflicts the curator declared in this edition."""
    stmt = (
        sa.select(Conflict)
        .where(Conflict.curator_id == user.id, Conflict.edition_id == edition.id)
        .order_by(Conflict.created_at)
    )
    return list(db.session.scalars(stmt))


def all_conflicts(edition: Edition) -> list[tuple[Conflict, User, Entry | None]]:
    """Every conflict in the edition with its curator and entry (staff view)."""
    stmt = (
        sa.select(Conflict, User, Entry)
        .join(User, User.id == Conflict.curator_id)
        .outerjoin(Entry, Entry.id == Conflict.entry_id)
        .where(Conflict.edition_id == edition.id)
        .order_by(User.name, Conflict.created_at)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def conflict_withdrawals(edition: Edition, limit: int = 20) -> list[tuple[AuditEvent, Entry, User | None]]:
    """The latest assignments withdrawn because an entry's new names (a company, say) matched a curator's
    declared conflict (``services.recheck_assignments``), newest first, for the staff overview."""
    stmt = (
        sa.select(AuditEvent, Entry, User)
        .join(Entry, sa.and_(AuditEvent.object_type == "entry", AuditEvent.object_id == Entry.id))
        .outerjoin(User, User.email == AuditEvent.old_value)
        .where(AuditEvent.action == "assignment.conflict", Entry.edition_id == edition.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


# -- reviews and decisions ----------------------------------------------------------------------------


def review_of(entry: Entry, curator: User) -> Review | None:
    """The curator's review of the entry, draft or submitted."""
    stmt = sa.select(Review).where(Review.entry_id == entry.id, Review.curator_id == curator.id)
    return db.session.scalar(stmt)


def submitted_reviews(entry: Entry) -> list[Review]:
    """Submitted reviews of the entry by curators who do not (now) conflict with it."""
    stmt = (
        sa.select(Review)
        .join(Entry, Entry.id == Review.entry_id)
        .where(
            Review.entry_id == entry.id,
            Review.status == ReviewStatus.SUBMITTED,
            ~conflicted(Review.curator_id),
        )
        .order_by(Review.submitted_at)
    )
    return list(db.session.scalars(stmt))


def decision_of(entry: Entry) -> Decision | None:
    """The entry's decision, draft or released."""
    return db.session.scalar(sa.select(Decision).where(Decision.entry_id == entry.id))


def released_decision(entry: Entry) -> Decision | None:
    """The decision the filmmaker may see: only once staff have released it."""
    stmt = sa.select(Decision).where(Decision.entry_id == entry.id, Decision.released_at.is_not(None))
    return db.session.scalar(stmt)


def decisions(edition: Edition, *, released: bool | None = None) -> list[tuple[Decision, Entry]]:
    """The edition's decisions with their entries, optionally only drafts or only released ones."""
    stmt = (
        sa.select(Decision, Entry)
        .join(Entry, Entry.id == Decision.entry_id)
        .where(Entry.edition_id == edition.id)
        .order_by(Decision.outcome, Entry.reference)
    )
    if released is True:
        stmt = stmt.where(Decision.released_at.is_not(None))
    elif released is False:
        stmt = stmt.where(Decision.released_at.is_(None))
    return [tuple(row) for row in db.session.execute(stmt)]


def weighted_score(scores: dict, criteria: Sequence[RubricCriterion]) -> float | None:
    """The weighted mean of a review's scores over the rubric (None if a criterion is unscored)."""
    total = weight = 0.0
    for criterion in criteria:
        value = scores.get(criterion.key)
        if value is None:
            return None
        total += criterion.weight * float(value)
        weight += criterion.weight
    return total / weight if weight else None


# -- queue and ranking --------------------------------------------------------------------------------


@dataclass
class QueueItem:
    entry: Entry
    review: Review | None
    assigned: bool


def my_queue(user: User, edition: Edition, text: str | None = None) -> list[QueueItem]:
    """The curator's visible entries (assigned first) with their own review, filtered by a search."""
    entries = list(db.session.scalars(search_visible(user, edition, text).order_by(Entry.reference)))
    ids = [e.id for e in entries]
    assigned = set(
        db.session.scalars(
            sa.select(Assignment.entry_id).where(
                Assignment.curator_id == user.id, Assignment.entry_id.in_(ids)
            )
        )
    )
    reviews = {
        r.entry_id: r
        for r in db.session.scalars(
            sa.select(Review).where(Review.curator_id == user.id, Review.entry_id.in_(ids))
        )
    }
    items = [QueueItem(entry=e, review=reviews.get(e.id), assigned=e.id in assigned) for e in entries]
    return sorted(items, key=lambda item: (not item.assigned, item.entry.reference or ""))


@dataclass
class RankingRow:
    entry: Entry
    panel: Panel | None
    reviews: int
    assigned: int
    missing: int
    mean: float | None
    spread: float | None
    scores_visible: bool
    decision: Decision | None

    def disagrees(self, threshold: float) -> bool:
        """True when the reviewers' weighted scores spread more than the threshold."""
        return self.spread is not None and self.spread > threshold


SORT_VALUES = {
    "score": lambda r: r.mean,
    "spread": lambda r: r.spread,
    "reviews": lambda r: r.reviews,
    "missing": lambda r: r.missing,
    "reference": lambda r: r.entry.reference or "",
    "title": lambda r: r.entry.display_title.lower(),
}


def sort_rows(rows: Iterable[RankingRow], sort: str, descending: bool) -> list[RankingRow]:
    """Rows sorted by a column (unknown columns sort by score); hidden or missing values go last."""
    value = SORT_VALUES.get(sort, SORT_VALUES["score"])
    rows = sorted(rows, key=lambda r: r.entry.reference or "")
    known = sorted((r for r in rows if value(r) is not None), key=value, reverse=descending)
    return known + [r for r in rows if value(r) is None]


def ranking(
    user: User,
    edition: Edition,
    *,
    panel: Panel | None = None,
    film_format: FilmFormat | None = None,
    sort: str = "score",
    descending: bool = True,
) -> list[RankingRow]:
    """Rows of the ranking the user may see (conflicts excluded); scores hidden from a curator until they
    submitted their own review of that entry."""
    stmt = visible_entries_for(user, edition)
    if panel is not None:
        stmt = stmt.where(effective_panel_id() == panel.id)
    if film_format is not None:
        stmt = stmt.where(Entry.format == film_format)
    rows = db.session.execute(stmt.add_columns(effective_panel_id().label("panel_id"))).all()
    entries = [row[0] for row in rows]
    ids = [e.id for e in entries]
    criteria = list(edition.criteria)
    panel_by_id = {p.id: p for p in panels(edition)}

    reviews_by_entry: dict[int, list[Review]] = {i: [] for i in ids}
    review_stmt = (
        sa.select(Review)
        .join(Entry, Entry.id == Review.entry_id)
        .where(
            Review.entry_id.in_(ids), Review.status == ReviewStatus.SUBMITTED, ~conflicted(Review.curator_id)
        )
    )
    for review in db.session.scalars(review_stmt):
        reviews_by_entry[review.entry_id].append(review)
    assigned_by_entry: dict[int, set[int]] = {i: set() for i in ids}
    for entry_id, curator_id in db.session.execute(
        sa.select(Assignment.entry_id, Assignment.curator_id)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.entry_id.in_(ids), ~conflicted(Assignment.curator_id))
    ):
        assigned_by_entry[entry_id].add(curator_id)
    decision_by_entry = {
        d.entry_id: d for d in db.session.scalars(sa.select(Decision).where(Decision.entry_id.in_(ids)))
    }

    result = []
    for entry, (_, panel_id) in zip(entries, rows, strict=True):
        reviews = reviews_by_entry[entry.id]
        reviewers = {r.curator_id for r in reviews}
        visible = user.is_staff or user.id in reviewers
        values = [v for v in (weighted_score(r.scores, criteria) for r in reviews) if v is not None]
        result.append(
            RankingRow(
                entry=entry,
                panel=panel_by_id.get(panel_id),
                reviews=len(reviews),
                assigned=len(assigned_by_entry[entry.id]),
                missing=len(assigned_by_entry[entry.id] - reviewers),
                mean=statistics.fmean(values) if visible and values else None,
                spread=statistics.pstdev(values) if visible and values else None,
                scores_visible=visible,
                decision=decision_by_entry.get(entry.id),
            )
        )
    return sort_rows(result, sort, descending)


def load_counts(edition: Edition, curator_ids: Iterable[int]) -> dict[int, int]:
    """How many entries of the edition each curator is assigned."""
    ids = list(curator_ids)
    stmt = (
        sa.select(Assignment.curator_id, sa.func.count())
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Entry.edition_id == edition.id, Assignment.curator_id.in_(ids))
        .group_by(Assignment.curator_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row[0]: row[1] for row in db.session.execute(stmt)})
    return counts


def audit_trail(objects: Iterable) -> list[tuple[AuditEvent, User | None]]:
    """The audit events of several objects, oldest first, each with the user who acted."""
    events = sorted(
        (e for obj in objects if obj is not None for e in history(obj)), key=lambda e: (e.at, e.id)
    )
    ids = {e.actor_id for e in events if e.actor_id}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))} if ids else {}
    return [(e, users.get(e.actor_id)) for e in events]
