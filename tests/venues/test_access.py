"""Only staff and admins reach the venue pages and the solver-run pages."""

from __future__ import annotations

import pytest

from festival.extensions import db
from festival.models import SolveRun
from festival.models.enums import Role


def _urls(place, run_id):
    v, t = place["venue"].id, place["dome"].id
    slug = place["edition"].slug
    gets = [
        f"/staff/venues/?edition={slug}", f"/staff/venues/new?edition={slug}", f"/staff/venues/{v}/edit",
        f"/staff/venues/{v}/theaters/new", f"/staff/venues/theaters/{t}/edit", f"/staff/venues/{v}/blocks",
        f"/staff/timetable/runs?edition={slug}", f"/staff/timetable/runs/{run_id}",
        f"/staff/timetable/runs/{run_id}/progress.json", f"/staff/timetable/runs/{run_id}/instance.json",
    ]  # fmt: skip
    posts = [
        f"/staff/venues/{v}/delete", f"/staff/venues/theaters/{t}/delete",
        f"/staff/timetable/runs?edition={slug}", f"/staff/timetable/runs/{run_id}/stop",
    ]  # fmt: skip
    return gets, posts


@pytest.fixture
def run_id(place):
    run = SolveRun(edition_id=place["edition"].id, instance_json="{}")
    db.session.add(run)
    db.session.commit()
    return run.id


@pytest.mark.parametrize("role", [Role.CURATOR, Role.FILMMAKER])
def test_curators_and_filmmakers_are_forbidden(client, auth, make, place, run_id, role):
    auth.login_as(make.user(role=role))
    db.session.commit()
    gets, posts = _urls(place, run_id)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url).status_code == 403, url
    assert db.session.get(SolveRun, run_id).stop_requested is False


def test_anonymous_visitors_are_sent_to_log_in(client, place, run_id):
    gets, posts = _urls(place, run_id)
    for url in gets + posts:
        response = client.get(url) if url in gets else client.post(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.STAFF, Role.ADMIN])
def test_staff_and_admins_get_in(client, auth, make, place, run_id, role):
    auth.login_as(make.user(role=role))
    db.session.commit()
    gets, _posts = _urls(place, run_id)
    for url in gets:
        assert client.get(url).status_code == 200, url


def test_unknown_ids_are_404(client, auth, place):
    auth.login_as(place["staff"])
    for url in ("/staff/venues/999/edit", "/staff/venues/theaters/999/edit", "/staff/venues/blocks/999/edit",
                "/staff/timetable/runs/999", "/staff/timetable/runs/999/progress.json",
                "/staff/venues/?edition=no-such-edition"):  # fmt: skip
        assert client.get(url).status_code == 404, url
