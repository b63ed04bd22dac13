"""Capacity while selecting: screen time by theater group on the lead's decision page and the ranking,
staged without a reload through /review/capacity.json, equal to the engine's explain."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest

import scheduler
from festival.extensions import db
from festival.models.enums import DecisionOutcome, EditionStatus
from festival.review import decisions
from festival.review.decisions import DecisionInput
from festival.schedule import adapter
from festival.schedule import capacity as screen_time
from scheduler.explain import explain_text

INSTANCES = Path(__file__).resolve().parents[2] / "data" / "instances"
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scheduler"))
from test_scheduler_capacity import figures_of_explain  # noqa: E402


@pytest.fixture(autouse=True)
def _in_review(world):
    world.edition.status = EditionStatus.REVIEW
    db.session.commit()


@pytest.fixture
def rooms(world, make):
    """One venue with a dome theater (changeover 15) open Tue-Sun 09:30-17:00 in the edition's window."""
    venue = make.venue(world.edition)
    dome = make.theater(venue, name="Dome Theater", formats=["dome"], changeover_minutes=15)
    db.session.commit()
    return dome


def _ask(client, world, entries, **values):
    query = {"edition": world.edition.id, "entry_ids": [e.id for e in entries], **values}
    return client.get("/review/capacity.json", query_string=query)


DECIDE = {"form": "decision", "outcome": "accepted", "min_screenings": "3", "max_screenings": "4",
          "max_per_day": "1", "copies": "1", "popularity": "100"}  # fmt: skip


@pytest.mark.parametrize("name", ["small", "cstm-2021", "cstm-2021-resolve"])  # version 1: the app's rooms
def test_the_app_figures_equal_explains_on_the_example_instances(app, make, name):
    data = json.loads((INSTANCES / f"{name}.json").read_text())
    owner = make.user()
    edition = make.edition(
        slug=f"imported-{name}",
        first_day=date.fromisoformat(data["festival"]["first_day"]),
        last_day=date.fromisoformat(data["festival"]["last_day"]),
    )
    adapter.import_instance(data, edition, owner=owner)
    db.session.commit()
    with app.test_request_context():
        figures = screen_time.selection(edition)
    mine = sorted((g.films, g.needed, g.available) for g in figures.groups)
    assert mine == figures_of_explain(explain_text(scheduler.parse_instance(data)))


def test_staging_a_decision_changes_the_figure_without_saving_it(world, rooms, client, auth):
    auth.login_as(world.lead)
    first = _ask(client, world, [world.e1], **DECIDE)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    body = first.get_json()
    (group,) = body["groups"]
    assert group["films"] == 1 and group["needed"] == 3 * (30 + 15) and group["name"] == "Dome Theater"
    (use,) = body["uses"]
    assert use["uses"] == 3 * 45 and "Dome Theater" in use["words"] and "%" in use["words"]
    assert use["more"] == (group["available"] - group["needed"]) // (3 * 45)
    assert "Dome Theater" in body["html"]
    # more screenings staged: more time needed; nothing is saved
    more = _ask(client, world, [world.e1], **{**DECIDE, "min_screenings": "4"}).get_json()
    assert more["groups"][0]["needed"] == 4 * 45
    assert decisions.queries.decision_of(world.e1) is None
    # rejected: the film needs nothing
    rejected = _ask(client, world, [world.e1], **{**DECIDE, "outcome": "rejected"}).get_json()
    assert rejected["groups"] == [] and rejected["uses"] == []


def test_draft_decisions_count_and_the_staged_one_replaces_its_own_draft(world, rooms, client, auth):
    decisions.save_decision(
        world.e3, DecisionInput(DecisionOutcome.ACCEPTED, 2, 2, popularity=50), actor=world.staff,
        expected_version=None,
    )  # fmt: skip
    decisions.save_decision(
        world.e1, DecisionInput(DecisionOutcome.ACCEPTED, 5, 5, popularity=50), actor=world.staff,
        expected_version=None,
    )  # fmt: skip
    db.session.commit()
    auth.login_as(world.lead)
    (group,) = _ask(client, world, [world.e1], **DECIDE).get_json()["groups"]
    assert group["films"] == 2 and group["needed"] == (2 + 3) * 45  # e3's draft and e1 as staged, not 5


def test_the_ranking_stages_the_ticked_entries_with_the_bulk_values(world, rooms, client, auth):
    auth.login_as(world.staff)
    page = client.get(f"/review/ranking?edition={world.edition.id}")
    assert page.status_code == 200
    assert b'id="capacity"' in page.data and b"js/capacity.js" in page.data
    bulk = {"form": "bulk", "outcome": "accepted", "min_screenings": "2", "max_screenings": "3",
            "popularity": "10"}  # fmt: skip
    none = _ask(client, world, [], **bulk).get_json()
    assert none["groups"] == []
    both = _ask(client, world, [world.e1, world.e3], **bulk).get_json()
    (group,) = both["groups"]
    assert group["films"] == 2 and group["needed"] == 2 * 2 * 45
    (use,) = both["uses"]
    assert use["films"] == 2 and use["uses"] == 2 * 2 * 45


def test_the_decision_page_shows_the_panel(world, rooms, client, auth):
    auth.login_as(world.lead)
    page = client.get(f"/review/entries/{world.e1.id}/decision")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="capacity"' in html and "Dome Theater" in html and "js/capacity.js" in html
    assert "<script>" not in html  # CSP: no inline script


def test_only_those_who_decide_may_ask(world, rooms, client, auth, make):
    auth.login_as(world.curator)  # a member of the dome panel, not its lead
    assert _ask(client, world, [world.e1], **DECIDE).status_code == 403
    assert _ask(client, world, [], form="bulk", outcome="accepted").status_code == 200  # leads general
    auth.login_as(world.outsider)
    assert _ask(client, world, [], form="bulk", outcome="accepted").status_code == 403
    auth.login_as(world.lead)
    assert _ask(client, world, [world.e1], **{**DECIDE, "outcome": "maybe"}).status_code == 400
    other = make.edition(slug="other-edition")
    db.session.commit()
    query = {"edition": other.id, "entry_ids": [world.e1.id], **DECIDE}
    assert client.get("/review/capacity.json", query_string=query).status_code == 404


def test_numbers_that_are_not_numbers_are_left_to_the_form(world, rooms, client, auth):
    auth.login_as(world.lead)
    answer = _ask(client, world, [world.e1], **{**DECIDE, "min_screenings": "x", "max_screenings": "y"})
    assert answer.status_code == 200
    half = _ask(client, world, [world.e1], **{**DECIDE, "min_screenings": "9", "max_screenings": "2"})
    body = half.get_json()
    assert half.status_code == 200 and body["refused"] == [world.e1.reference or world.e1.display_title]


def test_rooms_the_reader_refuses_are_said_not_a_500(world, make, client, auth):
    venue = make.venue(world.edition, hours={"tue": [["17:00", "09:30"]]})  # reversed: the reader refuses it
    make.theater(venue, name="Dome Theater", formats=["dome"])
    db.session.commit()
    auth.login_as(world.staff)
    page = client.get(f"/review/ranking?edition={world.edition.id}")
    assert page.status_code == 200 and b"The solver cannot use the data of this edition yet" in page.data
    body = _ask(client, world, [world.e1], **DECIDE).get_json()
    assert body["groups"] == [] and body["errors"]
