"""A conflicted curator never sees the entry: not in lists, searches, rankings, exports, nor by URL."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Assignment, Review
from festival.models.enums import ConflictKind, Role
from festival.review import queries, services
from tests.conftest import csrf_token, log_in
from tests.review.conftest import SCORES, submit


def _declare(world, curator, kind, entry=None, value=None):
    services.declare_conflict(world.edition, curator=curator, kind=kind, entry=entry, value=value)
    db.session.commit()


def _visible_ids(world, user):
    return {e.id for e in db.session.scalars(queries.visible_entries_for(user, world.edition))}


def test_curator_sees_entries_of_their_panels_and_assignments_only(world):
    # The lead sits on the dome panel only: the giant-screen entry goes to the general panel.
    assert _visible_ids(world, world.lead) == {world.e1.id, world.e3.id}
    assert _visible_ids(world, world.curator) == {world.e1.id, world.e2.id, world.e3.id}
    assert _visible_ids(world, world.outsider) == set()
    assert _visible_ids(world, world.filmmaker) == set()
    assert _visible_ids(world, world.staff) == {world.e1.id, world.e2.id, world.e3.id}


def test_conflict_by_entry_hides_it_from_queue_and_search(world, client, auth):
    _declare(world, world.lead, ConflictKind.ENTRY, entry=world.e1)
    auth.login_as(world.lead)
    html = client.get(f"/review/?edition={world.edition.id}").get_data(as_text=True)
    assert "Ride the Solar Wind" in html
    assert "Northern Lights" not in html and world.e1.reference not in html
    search = client.get(f"/review/?edition={world.edition.id}&q=northern").get_data(as_text=True)
    assert "Northern Lights" not in search


def test_conflict_by_company_is_case_insensitive(world):
    _declare(world, world.lead, ConflictKind.COMPANY, value="  polaris DOME studios ")
    assert world.e1.id not in _visible_ids(world, world.lead)
    assert world.e3.id in _visible_ids(world, world.lead)


def test_conflict_by_country_hides_every_entry_from_that_country(world):
    _declare(world, world.curator, ConflictKind.COUNTRY, value="china")
    assert _visible_ids(world, world.curator) == {world.e1.id, world.e3.id}


def test_conflicted_curator_cannot_open_entry_by_url(world, client, auth):
    _declare(world, world.lead, ConflictKind.COMPANY, value="Polaris Dome Studios")
    auth.login_as(world.lead)
    assert client.get(f"/review/entries/{world.e1.id}").status_code == 404
    assert (
        client.post(f"/review/entries/{world.e1.id}", data={"version": 0, "save_draft": "y"}).status_code
        == 404
    )
    assert client.get(f"/review/entries/{world.e1.id}/decision").status_code == 404
    assert client.post(f"/review/entries/{world.e1.id}/conflict").status_code == 404
    # The same URL works for a curator without the conflict.
    auth.login_as(world.curator)
    assert client.get(f"/review/entries/{world.e1.id}").status_code == 200


def test_staff_who_are_curators_too_never_see_an_entry_they_declared_a_conflict_with(world, client, auth):
    world.lead.roles = {Role.CURATOR, Role.STAFF}
    _declare(world, world.lead, ConflictKind.ENTRY, entry=world.e1)
    assert _visible_ids(world, world.lead) == {world.e2.id, world.e3.id}
    auth.login_as(world.lead)
    assert client.get(f"/review/entries/{world.e1.id}").status_code == 404
    # their own queue, as a curator, stays theirs; staff without conflicts see everything
    queue = client.get(f"/review/?edition={world.edition.id}")
    assert queue.status_code == 200 and "Northern Lights" not in queue.get_data(as_text=True)
    assert _visible_ids(world, world.staff) == {world.e1.id, world.e2.id, world.e3.id}


def test_curator_outside_panel_and_assignment_gets_404(world, client, auth):
    auth.login_as(world.outsider)
    assert client.get(f"/review/entries/{world.e1.id}").status_code == 404


def test_filmmaker_cannot_use_the_review_area(world, client, auth):
    auth.login_as(world.filmmaker)
    assert client.get("/review/").status_code == 403
    assert client.get(f"/review/entries/{world.e1.id}").status_code == 403
    assert client.get("/review/ranking.csv").status_code == 403


def test_conflicted_entry_is_missing_from_ranking_and_csv_export(world, client, auth):
    submit(world.e1, world.curator)
    _declare(world, world.lead, ConflictKind.ENTRY, entry=world.e1)
    auth.login_as(world.lead)
    page = client.get(f"/review/ranking?edition={world.edition.id}").get_data(as_text=True)
    assert "Ride the Solar Wind" in page and "Northern Lights" not in page
    export = client.get(f"/review/ranking.csv?edition={world.edition.id}")
    text = export.get_data(as_text=True)
    assert export.status_code == 200
    assert world.e3.reference in text
    assert world.e1.reference not in text and "Northern Lights" not in text
    # Staff still see it.
    auth.login_as(world.staff)
    assert world.e1.reference in client.get(f"/review/ranking.csv?edition={world.edition.id}").get_data(
        as_text=True
    )


def test_declaring_a_conflict_withdraws_assignment_and_draft_review(world):
    services.assign(world.e1, world.curator, actor=world.staff)
    services.save_review(
        world.e1, curator=world.curator, scores={}, comment="half done", private_note=None, submit=False,
        expected_version=0,
    )  # fmt: skip
    db.session.commit()
    _declare(world, world.curator, ConflictKind.ENTRY, entry=world.e1)
    assert db.session.scalar(sa.select(Assignment).where(Assignment.curator_id == world.curator.id)) is None
    assert db.session.scalar(sa.select(Review).where(Review.curator_id == world.curator.id)) is None


def test_reviews_of_a_later_conflicted_curator_leave_the_ranking(world):
    submit(world.e1, world.curator, scores=dict(SCORES, audience_appeal=1))
    submit(world.e1, world.lead)
    before = next(r for r in queries.ranking(world.staff, world.edition) if r.entry.id == world.e1.id)
    assert before.reviews == 2
    _declare(world, world.curator, ConflictKind.COUNTRY, value="Germany")
    after = next(r for r in queries.ranking(world.staff, world.edition) if r.entry.id == world.e1.id)
    assert after.reviews == 1
    assert after.spread == 0


def test_manual_assignment_to_a_conflicted_curator_is_refused(world, client, auth):
    _declare(world, world.curator, ConflictKind.ENTRY, entry=world.e2)
    auth.login_as(world.staff)
    response = client.post(
        f"/review/staff/entries/{world.e2.id}/assignments",
        data={"curator": world.curator.id},
        follow_redirects=True,
    )
    assert "declared a conflict" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0


def test_balanced_assignment_respects_company_conflicts(world):
    _declare(world, world.lead, ConflictKind.COMPANY, value="starlight fulldome")
    run = services.balanced_assignment(world.edition, k=2, panel=world.dome, actor=world.staff, apply=True)
    db.session.commit()
    pairs = {(a, b) for a, b in db.session.execute(sa.select(Assignment.entry_id, Assignment.curator_id))}
    assert (world.e3.id, world.lead.id) not in pairs
    assert (world.e1.id, world.lead.id) in pairs and (world.e1.id, world.curator.id) in pairs
    assert [s.entry for s in run.plan.shortfalls] == [world.e3.id]


def test_curator_declares_company_conflict_through_the_form_with_csrf(csrf_world, csrf_client):
    world = csrf_world
    auth_client = csrf_client
    auth_client.post("/auth/logout")
    log_in(auth_client, world.lead)
    url = f"/review/conflicts?edition={world.edition.id}"
    token = csrf_token(auth_client, url)
    response = auth_client.post(
        url,
        data={
            "csrf_token": token,
            "kind": "company",
            "value": "Polaris Dome Studios",
            "reason": "I work there",
        },
    )
    assert response.status_code == 303
    assert world.e1.id not in _visible_ids(world, world.lead)
    assert auth_client.post(url, data={"kind": "country", "value": "Japan"}).status_code == 400


def test_other_areas_ask_whether_a_curator_may_see_an_entry(world):
    from festival.review.permissions import curator_may_see

    assert curator_may_see(world.lead, world.e1) is True
    assert curator_may_see(world.outsider, world.e1) is False
    assert curator_may_see(world.filmmaker, world.e1) is False
    _declare(world, world.lead, ConflictKind.ENTRY, entry=world.e1)
    assert curator_may_see(world.lead, world.e1) is False


def test_ranking_csv_cells_cannot_become_formulas(world, client, auth):
    world.e3.production_company = "－2+3"  # full-width minus, as a Chinese input method types it
    world.e3.country = "\t=1+1"
    db.session.commit()
    auth.login_as(world.staff)
    text = client.get(f"/review/ranking.csv?edition={world.edition.id}").get_data(as_text=True)
    row = next(
        r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))) if r["Reference"] == world.e3.reference
    )
    assert row["Production company"] == "'－2+3" and row["Country"] == "'\t=1+1"
