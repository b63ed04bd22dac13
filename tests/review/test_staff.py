"""Staff pages: panels, moving entries, balanced assignment, rubric, conflicts; navigation."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import sqlalchemy as sa

from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Assignment, Conflict, Panel, PanelMember
from festival.models.enums import ConflictKind, EntryStatus, FilmFormat, Role
from festival.review import queries, services
from tests.conftest import csrf_token, log_in
from tests.review.conftest import submit


def test_navigation_endpoints_exist_for_curators_and_staff(world, client, auth):
    auth.login_as(world.lead)
    assert 'href="/review/"' in client.get("/review/").get_data(as_text=True)
    auth.login_as(world.staff)
    page = client.get("/review/staff").get_data(as_text=True)
    assert 'href="/review/staff"' in page and "Dome panel" in page
    assert client.get("/review/").status_code == 302  # staff go to the overview
    auth.login_as(world.lead)
    assert client.get("/review/staff").status_code == 403


def test_the_overview_names_each_panels_format_and_any_format_for_a_panel_without_one(world, client, auth):
    auth.login_as(world.staff)
    page = client.get(f"/review/staff?edition={world.edition.id}").get_data(as_text=True)
    assert "<td>Fulldome (planetarium)</td>" in page and "<td>any format</td>" in page


def test_staff_create_a_panel_add_a_lead_and_the_lead_changes_hands(csrf_world, csrf_client):
    world = csrf_world
    log_in(csrf_client, world.staff)
    overview = f"/review/staff?edition={world.edition.id}"
    token = csrf_token(csrf_client, overview)
    response = csrf_client.post(
        f"/review/staff/panels?edition={world.edition.id}",
        data={"csrf_token": token, "name": "Science fiction", "format": "scifi"},
    )
    assert response.status_code == 303
    panel = db.session.scalar(sa.select(Panel).where(Panel.name == "Science fiction"))
    assert panel.format == FilmFormat.SCIFI
    url = f"/review/staff/panels/{panel.id}/members"
    for user in (world.lead, world.curator):
        csrf_client.post(url, data={"csrf_token": token, "curator": user.id, "is_lead": "y"})
    members = db.session.scalars(sa.select(PanelMember).where(PanelMember.panel_id == panel.id)).all()
    assert {m.user_id: m.is_lead for m in members} == {world.lead.id: False, world.curator.id: True}
    duplicate = csrf_client.post(
        f"/review/staff/panels?edition={world.edition.id}",
        data={"csrf_token": token, "name": "science FICTION", "format": ""},
        follow_redirects=True,
    )
    assert "already has a panel with this name" in duplicate.get_data(as_text=True)


def test_only_curators_can_sit_on_a_panel(world, client, auth):
    auth.login_as(world.staff)
    client.post(f"/review/staff/panels/{world.dome.id}/members", data={"curator": world.filmmaker.id})
    assert world.filmmaker.id not in {m.user_id for m in world.dome.members}


def test_entries_join_their_format_panel_and_staff_can_move_them(world, client, auth):
    assert queries.panel_of(world.e1).id == world.dome.id
    assert queries.panel_of(world.e2).id == world.general.id  # no giant-screen panel: the general one
    auth.login_as(world.staff)
    client.post(f"/review/staff/entries/{world.e1.id}/panel", data={"panel": str(world.general.id)})
    assert queries.panel_of(world.e1).id == world.general.id
    assert world.e1.id not in {
        e.id for e in db.session.scalars(queries.visible_entries_for(world.lead, world.edition))
    }
    client.post(f"/review/staff/entries/{world.e1.id}/panel", data={"panel": ""})
    assert queries.panel_of(world.e1).id == world.dome.id


def test_assignment_preview_writes_nothing_and_apply_reports_shortfalls(world, client, auth):
    services.declare_conflict(world.edition, curator=world.lead, kind=ConflictKind.ENTRY, entry=world.e3)
    db.session.commit()
    auth.login_as(world.staff)
    url = f"/review/staff/assign?edition={world.edition.id}"
    preview = client.post(url, data={"panel": str(world.dome.id), "k": "2", "preview": "y"})
    assert preview.status_code == 200 and "Preview" in preview.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == 0
    applied = client.post(url, data={"panel": str(world.dome.id), "k": "2", "apply": "y"})
    html = applied.get_data(as_text=True)
    assert "K = 2 cannot be met for 1 entry:" in html and world.e3.reference in html
    pairs = {(a, c) for a, c in db.session.execute(sa.select(Assignment.entry_id, Assignment.curator_id))}
    assert pairs == {
        (world.e1.id, world.lead.id), (world.e1.id, world.curator.id), (world.e3.id, world.curator.id),
    }  # fmt: skip
    assert client.post(url, data={"panel": "", "k": "0", "apply": "y"}).status_code == 422


def test_balanced_assignment_on_random_editions_meets_its_guarantees(app, make):
    rng = random.Random(20210314)
    staff = make.user(role=Role.STAFF)
    for round_ in range(4):
        edition = make.edition()
        curators = [make.user(role=Role.CURATOR) for _ in range(rng.randint(2, 6))]
        companies = ["Orbit Media", "Nebula Works", "Deep Blue"]
        entries = [
            make.entry(edition, staff, status=EntryStatus.SUBMITTED, production_company=rng.choice(companies),
                       country=rng.choice(["China", "Japan", "France"]))
            for _ in range(rng.randint(3, 15))
        ]  # fmt: skip
        for curator in curators:
            if rng.random() < 0.5:
                services.declare_conflict(
                    edition, curator=curator, kind=ConflictKind.COMPANY, value=rng.choice(companies).upper()
                )
            if rng.random() < 0.3:
                services.declare_conflict(
                    edition, curator=curator, kind=ConflictKind.ENTRY, entry=rng.choice(entries)
                )
        kept = services.assign(entries[0], curators[0], actor=staff) if rng.random() < 0.5 else None
        k = rng.randint(1, 3)
        run = services.balanced_assignment(edition, k=k, panel=None, actor=staff, apply=True)
        db.session.flush()
        pairs = {(a.entry_id, a.curator_id) for a in db.session.scalars(sa.select(Assignment))}
        pool = list(run.curators.values())  # every active curator (earlier rounds' too)
        assert set(curators) <= set(pool)
        ids = {c.id for c in pool}
        short = {s.entry for s in run.plan.shortfalls}
        for entry in entries:
            reviewers = {c for e, c in pairs if e == entry.id}
            visible_to = {c.id for c in pool if not services.is_conflicted(c, entry)}
            assert not reviewers & (ids - visible_to), f"round {round_}: a conflicted curator was assigned"
            assert len(reviewers) >= k or (entry.id in short and reviewers == visible_to)
        if kept is not None:
            assert (kept.entry_id, kept.curator_id) in pairs
        loads = Counter(c for e, c in pairs if c in ids and e in {x.id for x in entries})
        assert run.plan.loads == {c.id: loads[c.id] for c in pool}
        assert (
            run.plan.spread <= 1 or short or any(services.is_conflicted(c, e) for c in pool for e in entries)
        )
        db.session.execute(sa.delete(Assignment))
        db.session.execute(sa.delete(Conflict))


def test_rubric_criteria_can_change_until_curators_score_them(world, client, auth):
    auth.login_as(world.staff)
    url = f"/review/staff/rubric?edition={world.edition.id}"
    added = client.post(
        url, data={"key": "educational_value", "label": "Educational value", "label_zh": "教育价值",
                   "weight": "2", "min_score": "1", "max_score": "10"},
    )  # fmt: skip
    assert added.status_code == 303
    criterion = next(c for c in world.edition.criteria if c.key == "educational_value")
    bad = client.post(
        url, data={"key": "Bad Key", "label": "x", "weight": "0", "min_score": "5", "max_score": "5"}
    )
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert "lower-case letters" in body and "above 0" in body and "above the lowest" in body

    accuracy = next(c for c in world.edition.criteria if c.key == "scientific_accuracy")
    submit(world.e1, world.lead, scores={c.key: 5 for c in world.edition.criteria})
    edit = client.post(
        f"/review/staff/rubric/{accuracy.id}",
        data={
            "key": "scientific_accuracy",
            "label": "Accuracy",
            "weight": "2",
            "min_score": "0",
            "max_score": "5",
        },
    )
    assert edit.status_code == 422 and "can no longer change" in edit.get_data(as_text=True)
    client.post(f"/review/staff/rubric/{accuracy.id}/delete")
    assert accuracy in world.edition.criteria
    relabel = client.post(
        f"/review/staff/rubric/{accuracy.id}",
        data={
            "key": "scientific_accuracy",
            "label": "Accuracy",
            "weight": "2",
            "min_score": "1",
            "max_score": "10",
        },
    )
    assert relabel.status_code == 303 and accuracy.label == "Accuracy"
    del criterion


def test_staff_see_and_remove_conflicts(world, client, auth):
    conflict = services.declare_conflict(
        world.edition, curator=world.lead, kind=ConflictKind.COUNTRY, value="Germany"
    )
    db.session.commit()
    auth.login_as(world.staff)
    page = client.get(f"/review/staff/conflicts?edition={world.edition.id}").get_data(as_text=True)
    assert "Wang Fang" in page and "Germany" in page
    client.post(f"/review/staff/conflicts/{conflict.id}/remove")
    assert world.e1.id in {
        e.id for e in db.session.scalars(queries.visible_entries_for(world.lead, world.edition))
    }


def test_curators_cannot_use_staff_pages(world, client, auth):
    auth.login_as(world.lead)
    for url in (
        "/review/staff/assign",
        "/review/staff/release",
        "/review/staff/letters",
        "/review/staff/rubric",
    ):
        assert client.get(url).status_code == 403
    assert client.post(f"/review/staff/panels/{world.dome.id}/delete").status_code == 403


def test_review_pages_explain_when_there_is_no_edition_yet(app, make, client, auth):
    auth.login_as(make.user(role=Role.CURATOR))
    db.session.commit()
    response = client.get("/review/")
    assert response.status_code == 200 and "no edition to review yet" in response.get_data(as_text=True)
    assert client.get("/review/?edition=999").status_code == 404


@pytest.mark.parametrize("weight", ["nan", "NaN", "inf", "-inf", "1e400"])
def test_a_rubric_weight_must_be_a_finite_number(world, client, auth, weight):
    """float("nan") passed the 0 < weight <= 100 check (every comparison with nan is false)."""
    auth.login_as(world.staff)
    url = f"/review/staff/rubric?edition={world.edition.id}"
    data = {"key": "educational_value", "label": "Educational value", "min_score": "1", "max_score": "10"}
    response = client.post(url, data={**data, "weight": weight})
    assert response.status_code == 422
    assert all(c.key != "educational_value" for c in world.edition.criteria)


def test_the_rubric_service_refuses_a_weight_that_is_not_a_number(world):
    with pytest.raises(InvalidInput) as refused:
        services.save_criterion(
            world.edition, None, key="extra", label="Extra", label_zh=None, weight=float("nan"),
            min_score=1, max_score=10, actor=world.staff,
        )  # fmt: skip
    assert "weight" in refused.value.errors
