"""A new publication moves the plans' screenings with it, drops the cancelled ones, and mails each visitor
whose plan changed (once, in their language)."""

from __future__ import annotations

import sqlalchemy as sa

from festival.audience import notices, plans
from festival.extensions import db
from festival.models import OutboxMail, PlanItem, Screening
from festival.models.enums import Role
from festival.schedule import publishing, versions
from festival.schedule.changelog import diff_versions
from tests.schedule.conftest import at


def test_plans_follow_a_publication_and_their_owners_are_told(fest, published, visitor, make):
    edition, f = fest["edition"], fest["films"]
    by_key = {(s.entry_id, s.start): s for s in published.screenings}
    plans.add_to_plan(visitor, edition, by_key[(f["a"].id, at(2, 10))].id)
    plans.add_to_plan(visitor, edition, by_key[(f["b"].id, at(2, 11))].id)
    other = make.user(role=Role.VISITOR, locale="zh")
    plans.add_to_plan(other, edition, by_key[(f["c"].id, at(2, 10))].id)  # C stays where it is
    db.session.commit()

    draft = versions.create_draft(edition, actor=None, based_on=published)
    rows = {(s.entry_id, s.start): s for s in draft.screenings}
    rows[(f["a"].id, at(2, 10))].start = at(3, 15)  # A moves to 3 April 15:00
    rows[(f["a"].id, at(2, 10))].end = at(3, 15, 30)
    db.session.delete(rows[(f["b"].id, at(2, 11))])  # B at 11:00 is cancelled
    db.session.commit()
    assert len(diff_versions(published, draft).changes) == 2
    publishing.publish(draft, actor=fest["staff"], lock=None, accept_warnings=True, confirm_name=edition.name)
    db.session.commit()

    items = db.session.scalars(sa.select(PlanItem).where(PlanItem.user_id == visitor.id)).all()
    assert [(i.entry_id, i.start) for i in items] == [(f["a"].id, at(3, 15))]
    assert [s.start for s in plans.planned_screenings(visitor, edition)] == [at(3, 15)]
    (mail,) = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == notices.KIND)).all()
    assert mail.recipient == visitor.email
    assert "“Film A” moved" in mail.body and "Thu 3 Apr 15:00" in mail.body
    assert "“Film B” cancelled" in mail.body and f"/audience/{edition.slug}/plan" in mail.body
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) > 0
