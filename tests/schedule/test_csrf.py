"""Every timetable form refuses a post without the CSRF token (400) and accepts one with the page's token."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Screening, SolveRun
from festival.schedule import versions
from tests.conftest import Auth, csrf_token


def _login(csrf_client, fest):
    Auth(csrf_client).login_as(fest["staff"])


def _a(draft, fest) -> Screening:
    stmt = sa.select(Screening).where(
        Screening.timetable_id == draft.id, Screening.entry_id == fest["films"]["a"].id
    )
    return db.session.scalars(stmt).one()


def test_moving_a_screening_needs_the_token(csrf_client, fest, draft):
    _login(csrf_client, fest)
    url = f"/staff/timetable/versions/{draft.id}/screenings/{_a(draft, fest).id}"
    data = {"theater": fest["dome"].id, "day": "2031-04-04", "start": "14:00", "lock": draft.version}
    assert csrf_client.post(url, data=data).status_code == 400
    assert _a(draft, fest).start.day == 2
    response = csrf_client.post(url, data={**data, "csrf_token": csrf_token(csrf_client, url)})
    assert response.status_code == 303
    db.session.expire_all()
    assert _a(draft, fest).start.day == 4


def test_adding_a_screening_needs_the_token(csrf_client, fest, draft):
    _login(csrf_client, fest)
    url = f"/staff/timetable/versions/{draft.id}/screenings/new"
    data = {
        "entry": fest["films"]["zh"].id,
        "theater": fest["dome"].id,
        "day": "2031-04-04",
        "start": "14:00",
    }
    assert csrf_client.post(url, data={**data, "lock": draft.version}).status_code == 400
    token = csrf_token(csrf_client, url)
    response = csrf_client.post(url, data={**data, "lock": draft.version, "csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(draft)
    assert len(draft.screenings) == 4


def test_starting_a_draft_needs_the_token(csrf_client, fest, draft):
    _login(csrf_client, fest)
    url = f"/staff/timetable/editions/{fest['edition'].id}/drafts"
    assert csrf_client.post(url, data={"based_on": draft.id}).status_code == 400
    assert versions.current_draft(fest["edition"]).id == draft.id  # refused: nothing created
    token = csrf_token(csrf_client, f"/staff/timetable/?edition={fest['edition'].slug}")
    csrf_client.post(url, data={"based_on": draft.id, "csrf_token": token})
    assert versions.current_draft(fest["edition"]).based_on_id == draft.id


def test_resolving_needs_the_token(csrf_client, fest, draft):
    _login(csrf_client, fest)
    url = f"/staff/timetable/versions/{draft.id}/resolve"
    data = {"lock": draft.version, "time_limit": "1"}
    assert csrf_client.post(url, data=data).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SolveRun)) == 0
    token = csrf_token(csrf_client, f"/staff/timetable/versions/{draft.id}")
    assert csrf_client.post(url, data={**data, "csrf_token": token}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SolveRun)) == 1
