"""Two people editing the same review, decision or letter never silently overwrite each other."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from festival.errors import StaleEdit
from festival.extensions import db
from festival.models import Decision, OutboxMail, Review
from festival.models.enums import DecisionOutcome, EditionStatus
from festival.review import decisions, queries, services
from festival.review.decisions import DecisionInput
from tests.conftest import log_in
from tests.review.conftest import SCORES, submit

FORM = {f"score_{k}": str(v) for k, v in SCORES.items()}
STALE = "Someone else saved this record after you opened it."


def _hidden_version(html: str) -> int:
    return int(re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html).group(1))


def test_second_of_two_concurrent_decision_edits_is_refused_with_a_message(world, client, auth, app):
    decisions.save_decision(
        world.e1, DecisionInput(outcome="waitlisted"), actor=world.staff, expected_version=None
    )
    db.session.commit()
    lead_client, staff_client = client, app.test_client()
    auth.login_as(world.lead)
    log_in(staff_client, world.staff)
    url = f"/review/entries/{world.e1.id}/decision"
    lead_version = _hidden_version(lead_client.get(url).get_data(as_text=True))
    staff_version = _hidden_version(staff_client.get(url).get_data(as_text=True))
    assert lead_version == staff_version

    lead_form = {"outcome": "accepted", "min_screenings": "2", "max_screenings": "5", "max_per_day": "1",
                 "copies": "1", "popularity": "400", "version": lead_version}  # fmt: skip
    assert lead_client.post(url, data=lead_form).status_code == 303
    staff_form = dict(lead_form, outcome="rejected", version=staff_version)
    response = staff_client.post(url, data=staff_form)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE in html
    # The form now shows the stored (lead's) decision with its new version, ready to be changed again.
    assert _hidden_version(html) == lead_version + 1
    db.session.expire_all()
    stored = queries.decision_of(world.e1)
    assert (stored.outcome, stored.popularity) == (DecisionOutcome.ACCEPTED, 400)


def test_review_saved_from_a_stale_tab_is_refused_and_the_unsaved_text_is_shown(world, client, auth):
    auth.login_as(world.lead)
    url = f"/review/entries/{world.e1.id}"
    assert (
        client.post(url, data={**FORM, "comment": "first tab", "version": 0, "save_draft": "y"}).status_code
        == 303
    )
    response = client.post(url, data={**FORM, "comment": "second tab", "version": 0, "save_draft": "y"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE in html and "Your unsaved changes" in html and "second tab" in html
    db.session.expire_all()
    assert queries.review_of(world.e1, world.lead).comment == "first tab"


def test_a_save_that_loses_the_race_between_read_and_write_is_caught(world):
    review = submit(world.e1, world.lead, comment="mine")
    version = review.version
    with db.engine.begin() as other:  # another request commits in between
        table = Review.__table__
        other.execute(
            sa.update(table).where(table.c.id == review.id).values(version=version + 1, comment="theirs")
        )
    with pytest.raises(StaleEdit):
        services.save_review(
            world.e1, curator=world.lead, scores=SCORES, comment="mine again", private_note=None, submit=True,
            expected_version=version,
        )  # fmt: skip
    db.session.rollback()
    assert queries.review_of(world.e1, world.lead).comment == "theirs"


def test_two_staff_releasing_the_same_decision_send_one_letter(world):
    decision = decisions.save_decision(
        world.e1, DecisionInput(outcome="rejected"), actor=world.staff, expected_version=None
    )
    db.session.commit()
    version = decision.version
    with db.engine.begin() as other:  # the other release wins
        table = Decision.__table__
        other.execute(
            sa.update(table)
            .where(table.c.id == decision.id)
            .values(version=version + 1, released_at=sa.func.now())
        )
    world.edition.status = EditionStatus.REVIEW  # releasing needs the call closed
    with pytest.raises(StaleEdit):
        decisions.release_decisions(world.edition, [decision.id], actor=world.staff)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_concurrent_letter_edits_conflict(world, client, auth):
    auth.login_as(world.staff)
    url = f"/review/staff/letters/decision_rejected/zh?edition={world.edition.id}"
    data = {"subject": "关于《{title}》", "body": "尊敬的{filmmaker}：", "version": 0}
    assert client.post(url, data=data).status_code == 303
    response = client.post(url, data=dict(data, subject="另一个标题"))
    assert response.status_code == 409 and STALE in response.get_data(as_text=True)
