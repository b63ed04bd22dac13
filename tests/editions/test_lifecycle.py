"""The edition's lifecycle: one transition function with a table of moves; actions that do not fit the state
are refused with the reason (entries outside call_open, decisions released outside review/programming,
publishing outside programming/published, everything in archived)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.editions import demand, lifecycle, services
from festival.errors import InvalidTransition
from festival.extensions import db
from festival.models import AuditEvent
from festival.models.enums import EditionStatus, EntryStatus, HolidayKind, Role
from festival.models.types import utcnow
from festival.review import decisions
from festival.review.decisions import DecisionInput
from festival.submissions.errors import DeadlinePassed
from festival.submissions.services import create_entry
from tests.conftest import log_in

S = EditionStatus


@pytest.fixture
def people(app, make):
    admin = make.user(Role.ADMIN, name="Zhao Lei")
    staff = make.user(Role.STAFF, name="Li Ming")
    filmmaker = make.user(Role.FILMMAKER, name="Lena Fischer")
    db.session.commit()
    return admin, staff, filmmaker


def test_the_whole_year_forward_is_one_move_at_a_time(app, make, people):
    admin, staff, _ = people
    edition = make.edition(status=S.DRAFT)
    with pytest.raises(InvalidTransition, match="cannot go from"):
        lifecycle.move(edition, S.PROGRAMMING, actor=staff)
    for target in (S.CALL_OPEN, S.REVIEW, S.PROGRAMMING):
        lifecycle.move(edition, target, actor=staff)
    with pytest.raises(InvalidTransition, match="Publish a timetable first"):
        lifecycle.move(edition, S.PUBLISHED, actor=staff)
    edition.status = S.PUBLISHED
    lifecycle.move(edition, S.ARCHIVED, actor=staff)
    with pytest.raises(InvalidTransition):  # only an admin takes an edition out of the archive
        lifecycle.move(edition, S.PUBLISHED, actor=staff)
    lifecycle.move(edition, S.PUBLISHED, actor=admin)
    db.session.commit()
    moves = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "edition.state")).all()
    assert [m.new_value for m in moves][-2:] == ["archived", "published"]


def test_the_call_cannot_open_after_its_deadline(app, make, people):
    _, staff, _ = people
    edition = make.edition(status=S.DRAFT, deadline=utcnow() - timedelta(hours=1))
    with pytest.raises(InvalidTransition, match="deadline has passed"):
        lifecycle.move(edition, S.CALL_OPEN, actor=staff)


def test_entries_are_taken_only_in_call_open_and_between_opening_and_deadline(make, people):
    _, _, filmmaker = people
    edition = make.edition(status=S.DRAFT)
    with pytest.raises(DeadlinePassed):
        create_entry(edition, owner=filmmaker)
    edition.status = S.CALL_OPEN
    edition.call_opens_at = utcnow() + timedelta(days=1)
    with pytest.raises(DeadlinePassed):
        create_entry(edition, owner=filmmaker)
    assert create_entry(edition, owner=filmmaker, now=utcnow() + timedelta(days=2)) is not None
    edition.status = S.REVIEW
    with pytest.raises(DeadlinePassed):
        create_entry(edition, owner=filmmaker, now=utcnow() + timedelta(days=2))


def test_decisions_are_released_only_in_review_or_programming(make, people):
    _, staff, filmmaker = people
    edition = make.edition(status=S.CALL_OPEN)
    entry = make.entry(edition, filmmaker, status=EntryStatus.SUBMITTED)
    decision = decisions.save_decision(
        entry, DecisionInput(outcome="rejected"), actor=staff, expected_version=None
    )
    with pytest.raises(InvalidTransition) as refused:
        decisions.release_decisions(edition, [decision.id], actor=staff)
    assert "Call open" in str(refused.value.message) and "review or programming" in str(refused.value.message)
    edition.status = S.REVIEW
    report = decisions.release_decisions(edition, [decision.id], actor=staff)
    assert [d.id for d in report.released] == [decision.id]


@pytest.mark.parametrize("state", [S.DRAFT, S.CALL_OPEN, S.REVIEW, S.ARCHIVED])
def test_publishing_is_refused_outside_programming_and_published(app, make, state):
    edition = make.edition(status=state)
    assert lifecycle.refusal(edition, lifecycle.Action.PUBLISH) is not None
    edition.status = S.PROGRAMMING
    assert lifecycle.refusal(edition, lifecycle.Action.PUBLISH) is None


def test_an_archived_edition_is_read_only(make, people):
    _, staff, _ = people
    edition = make.edition(status=S.ARCHIVED)
    with pytest.raises(InvalidTransition, match="read-only"):
        demand.save(edition, demand.DemandSettings(), actor=staff)
    with pytest.raises(InvalidTransition, match="read-only"):
        services.add_holiday(
            edition,
            day=edition.first_day,
            name="Labour Day",
            name_zh=None,
            kind=HolidayKind.HOLIDAY,
            actor=staff,
        )


def test_the_status_strip_offers_the_next_moves_and_refuses_with_the_reason(app, client, make, people):
    _, staff, _ = people
    edition = make.edition(status=S.DRAFT, deadline=utcnow() - timedelta(days=1))
    db.session.commit()
    log_in(client, staff)
    page = client.get(f"/admin/editions/{edition.slug}").get_data(as_text=True)
    assert 'aria-current="step">Draft' in page and "Open the call" in page
    response = client.post(f"/admin/editions/{edition.slug}/state", data={"target": "call_open"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The entry deadline has passed" in page
    db.session.refresh(edition)
    assert edition.status == S.DRAFT
    assert (
        client.post(f"/admin/editions/{edition.slug}/state", data={"target": "nonsense"}).status_code == 400
    )


def test_curators_and_filmmakers_cannot_reach_the_editions_office(app, client, make, people):
    _, _, filmmaker = people
    curator = make.user(Role.CURATOR)
    edition = make.edition()
    db.session.commit()
    for user in (curator, filmmaker):
        log_in(client, user)
        assert client.get("/admin/editions/").status_code == 403
        assert (
            client.post(f"/admin/editions/{edition.slug}/state", data={"target": "review"}).status_code == 403
        )
