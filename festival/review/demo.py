"""Review data for the demo's open edition: panels, a conflict, balanced assignments and one review.

The demo loader calls ``load_review_demo(edition)`` after it has created the open edition's entries.
"""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Edition, Entry, User
from festival.models.enums import ConflictKind, EntryStatus, FilmFormat
from festival.review import queries, services

CURATORS = ("curator1@demo.festival", "curator2@demo.festival")
STAFF = "staff@demo.festival"
# (entry title, curator index, scores, comment to the panel)
SAMPLE_REVIEW = (
    "Northern Lights Above Us",
    1,
    {"scientific_accuracy": 8, "artistic_quality": 9, "technical_quality": 8, "audience_appeal": 7},
    "Beautiful 8K aurora sequences; the narration simplifies solar physics a little.",
)


def _user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def load_review_demo(edition: Edition) -> bool:
    """Set up the review of the edition unless it has panels already; returns whether it did anything."""
    staff = _user(STAFF)
    curators = [_user(email) for email in CURATORS]
    if staff is None or None in curators or queries.panels(edition):
        return False
    first, second = curators
    dome = services.create_panel(edition, name="Fulldome panel", film_format=FilmFormat.DOME, actor=staff)
    general = services.create_panel(edition, name="General panel", film_format=None, actor=staff)
    services.add_member(dome, first, is_lead=True, actor=staff)
    services.add_member(dome, second, is_lead=False, actor=staff)
    services.add_member(general, second, is_lead=True, actor=staff)
    services.add_member(general, first, is_lead=False, actor=staff)

    entries = list(
        db.session.scalars(
            sa.select(Entry).where(Entry.edition_id == edition.id, Entry.status == EntryStatus.SUBMITTED)
        )
    )
    # The second curator works with one of the companies: the assignment has to leave those films to others.
    company = next((e.production_company for e in entries if e.format == FilmFormat.GIANT_SCREEN), None)
    if company:
        services.declare_conflict(
            edition, curator=second, kind=ConflictKind.COMPANY, value=company, reason="Consultant for them"
        )
    services.balanced_assignment(edition, k=2, panel=None, actor=staff, apply=True)

    title, index, scores, comment = SAMPLE_REVIEW
    entry = next((e for e in entries if e.title_en == title), None)
    if entry is not None and not services.is_conflicted(curators[index], entry):
        services.save_review(
            entry,
            curator=curators[index],
            scores=scores,
            comment=comment,
            private_note=None,
            submit=True,
            expected_version=None,
        )
    db.session.flush()
    return True
