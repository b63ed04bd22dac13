"""Scenarios: created from a draft with a form, solved through the real job queue (inline in tests), kept
apart from the drafts and the published version until promoted; their changes checked field by field;
staff only, CSRF on every form."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import AuditEvent, Scenario, Screening, SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import publishing, runs, scenarios, versions
from tests.conftest import Auth, csrf_token

URL = "/staff/timetable/scenarios"


def _snapshot(edition) -> dict:
    """Every version of the edition with its status, numbers, lock and screenings (the rows, as tuples)."""
    out = {}
    for v in db.session.scalars(sa.select(TimetableVersion).where(TimetableVersion.edition_id == edition.id)):
        rows = db.session.execute(
            sa.select(Screening.entry_id, Screening.theater_id, Screening.start, Screening.pinned)
            .where(Screening.timetable_id == v.id)
            .order_by(Screening.id)
        ).all()
        out[v.id] = (v.status, v.number, v.draft_number, v.version, v.hand_edits, [tuple(r) for r in rows])
    return out


def _generate(edition, staff) -> TimetableVersion:
    """A draft made by a real solver run, through the queue (inline)."""
    run = runs.start_run(edition, actor=staff, time_limit=1)
    db.session.commit()
    runs.enqueue(run)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.status == RunStatus.FINISHED, run.error
    return run.result_version


@pytest.fixture
def published_and_draft(tiny):
    """The tiny edition with a published version and a newer draft (a copy of it with one screening less)."""
    edition, staff = tiny["edition"], tiny["staff"]
    first = _generate(edition, staff)
    publishing.publish(first, actor=staff, lock=first.version, accept_warnings=True)
    db.session.commit()
    draft = versions.create_draft(edition, actor=staff, based_on=first)
    db.session.delete(draft.screenings[0])
    db.session.commit()
    return first, draft


def _form(draft, **values) -> dict:
    data = {"name": "Dome closed", "base_version": draft.id, "time_limit": "1", "closure_theater": "0"}
    data.update(values)
    return data


def _scenario(name: str) -> Scenario:
    scenario = db.session.scalars(sa.select(Scenario).where(Scenario.name == name)).one()
    db.session.refresh(scenario)
    return scenario


def test_a_scenario_never_touches_the_draft_or_the_published_version_until_promoted(
    client, auth, tiny, published_and_draft
):
    published, draft = published_and_draft
    edition = tiny["edition"]
    auth.login_as(tiny["staff"])
    before = _snapshot(edition)
    drafts_before = [v.id for v in versions.drafts_of(edition)]

    response = client.post(
        f"{URL}?edition={edition.slug}",
        data=_form(
            draft, closure_theater=tiny["dome"].id, closure_first="2031-04-01", closure_last="2031-04-03"
        ),
    )
    assert response.status_code == 303
    scenario = _scenario("Dome closed")
    assert scenario.run.purpose == runs.SCENARIO and scenario.run.status == RunStatus.FINISHED
    result = scenario.result_version
    assert result is not None and result.status == VersionStatus.SCENARIO and result.draft_number is None
    assert scenario.run.result_version_id == result.id
    # the closure reached the solver, and the result keeps it
    instance = json.loads(scenario.run.instance_json)
    dome = next(t for t in instance["theaters"] if t["id"] == "dome")
    assert {"start": "2031-04-01T00:00", "end": "2031-04-04T00:00"} in dome["unavailable"]
    assert not [s for s in result.screenings if s.theater_id == tiny["dome"].id and s.start.day <= 3]

    # nothing else changed: every other version's row and screenings are as before, and the drafts too
    after = _snapshot(edition)
    assert {k: v for k, v in after.items() if k != result.id} == before
    assert [v.id for v in versions.drafts_of(edition)] == drafts_before
    assert versions.published_version(edition).id == published.id
    assert result.id not in [v.id for v in versions.versions_of(edition)]
    home = client.get(f"/staff/timetable/?edition={edition.slug}").get_data(as_text=True)
    assert home.count("<tr data-draft=") == len(drafts_before)  # the drafts list: the scenario is not a draft
    # a scenario's result cannot be published or edited
    client.post(
        f"/staff/timetable/versions/{result.id}/publish",
        data={"lock": result.version, "accept_warnings": "y"},
    )
    with pytest.raises(versions.VersionFrozen):
        versions.check_editable(result, None)
    db.session.refresh(result)
    assert result.status == VersionStatus.SCENARIO and result.published_at is None

    # promoted: a new numbered draft, a copy of the result; base draft and published version untouched
    response = client.post(f"{URL}/{scenario.id}/promote")
    assert response.status_code == 303
    db.session.expire_all()
    newest = versions.drafts_of(edition)[0]
    assert newest.id not in before
    assert newest.label == "Dome closed" and newest.based_on_id == result.id
    key = sorted((s.entry_id, s.theater_id, s.start) for s in newest.screenings)
    assert key == sorted((s.entry_id, s.theater_id, s.start) for s in result.screenings)
    after = _snapshot(edition)
    assert {k: v for k, v in after.items() if k not in (result.id, newest.id)} == before
    home = client.get(f"/staff/timetable/?edition={edition.slug}").get_data(as_text=True)
    assert f"Draft {newest.draft_number}" in home


def test_promoted_draft_takes_the_next_draft_number(client, auth, tiny, published_and_draft):
    _published, draft = published_and_draft
    edition = tiny["edition"]
    auth.login_as(tiny["staff"])
    client.post(f"{URL}?edition={edition.slug}", data=_form(draft, name="Same rules"))
    numbers = [v.draft_number for v in versions.drafts_of(edition)]
    client.post(f"{URL}/{_scenario('Same rules').id}/promote")
    db.session.expire_all()
    assert versions.drafts_of(edition)[0].draft_number == max(numbers) + 1


def test_a_scenario_saved_while_a_run_is_active_says_so_and_runs_later(
    client, auth, tiny, published_and_draft
):
    _published, draft = published_and_draft
    edition = tiny["edition"]
    auth.login_as(tiny["staff"])
    busy = runs.start_run(edition, actor=tiny["staff"], time_limit=1)  # queued, never handed to the queue
    db.session.commit()
    response = client.post(
        f"{URL}?edition={edition.slug}", data=_form(draft, name="Later"), follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert f"Run {busy.id} is in progress for this edition" in page
    scenario = _scenario("Later")
    assert scenario.run_id is None and scenario.result_version_id is None
    # pressing Run while the other run is active is refused in words; once it ended, the scenario runs
    response = client.post(f"{URL}/{scenario.id}/run", follow_redirects=True)
    assert f"Run #{busy.id} is still in progress for this edition." in response.get_data(as_text=True)
    runs.request_stop(busy, actor=None)
    db.session.commit()
    assert client.post(f"{URL}/{scenario.id}/run").status_code == 303
    scenario = _scenario("Later")
    assert scenario.run.status == RunStatus.FINISHED and scenario.result_version is not None


def test_deleting_a_scenario_deletes_its_version(client, auth, tiny, published_and_draft):
    _published, draft = published_and_draft
    auth.login_as(tiny["staff"])
    client.post(f"{URL}?edition={tiny['edition'].slug}", data=_form(draft, name="Gone"))
    scenario = _scenario("Gone")
    version_id, run_id = scenario.result_version_id, scenario.run_id
    assert client.post(f"{URL}/{scenario.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(Scenario, scenario.id) is None
    assert db.session.get(TimetableVersion, version_id) is None
    assert not db.session.scalars(sa.select(Screening).where(Screening.timetable_id == version_id)).all()
    assert db.session.get(SolveRun, run_id).result_version_id is None
    assert db.session.get(TimetableVersion, draft.id) is not None
    actions = set(
        db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "scenario"))
    )
    assert {"scenario.created", "scenario.deleted"} <= actions


def test_a_scenario_whose_draft_was_deleted_keeps_its_result_and_cannot_run(
    client, auth, tiny, published_and_draft
):
    _published, draft = published_and_draft
    auth.login_as(tiny["staff"])
    client.post(f"{URL}?edition={tiny['edition'].slug}", data=_form(draft, name="Orphan"))
    versions.discard_draft(draft, actor=None, lock=None)
    db.session.commit()
    scenario = _scenario("Orphan")
    assert scenario.base_version_id is None and scenario.result_version is not None
    page = client.get(f"{URL}?edition={tiny['edition'].slug}").get_data(as_text=True)
    assert "deleted" in page and f"/scenarios/{scenario.id}/promote" in page
    scenario.result_version_id = None  # as if it had never run: running it is refused in words
    db.session.commit()
    response = client.post(f"{URL}/{scenario.id}/run", follow_redirects=True)
    assert "The draft this scenario starts from was deleted; it cannot run." in response.get_data(
        as_text=True
    )


def test_dropping_and_adding_films_and_changing_the_weights_reach_the_instance(tiny, published_and_draft):
    _published, draft = published_and_draft
    edition, staff = tiny["edition"], tiny["staff"]
    films = tiny["films"]
    in_draft = scenarios.base_films(draft)
    dropped = sorted(in_draft)[0]
    changes = {
        "films": {"add": [], "drop": [dropped]},
        "demand": {"day": dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 2.0)},
        "move_cost": 5,
    }
    scenario = scenarios.create_scenario(
        edition, name="Less", base=draft, changes=changes, actor=staff, time_limit=1
    )
    db.session.commit()
    instance = json.loads(scenario.run.instance_json)
    ids = {f["id"] for f in instance["films"]}
    assert f"e{dropped}" not in ids and ids == {f"e{e}" for e in in_draft - {dropped}}
    assert not [p for p in instance["previous"] if p["film"] == f"e{dropped}"]
    assert instance["weights"]["day"]["mon"] == 2.0 and instance["weights"]["change_penalty"] == 5
    assert scenario.run.move_cost == 5
    assert {e.id for e in films} >= in_draft


# ---------------------------------------------------------------- the changes' schema


def _errors(fest, base, data) -> dict:
    with pytest.raises(InvalidInput) as caught:
        scenarios.parse_changes(data, fest["edition"], base)
    return {k: [str(m) for m in v] for k, v in caught.value.errors.items()}


def test_the_changes_schema_names_the_field_of_each_problem(fest, draft, make):
    other = make.edition()
    alien = make.theater(make.venue(other))
    f = fest["films"]
    assert "changes" in _errors(fest, draft, [])
    assert "“colour” is not something" in _errors(fest, draft, {"colour": 1})["changes"][0]
    assert "closure_theater" in _errors(
        fest, draft, {"closures": [{"theater": alien.id, "first": "2031-04-02", "last": "2031-04-03"}]}
    )
    assert "closure_theater" in _errors(
        fest, draft, {"closures": [{"theater": True, "first": "2031-04-02", "last": "2031-04-03"}]}
    )
    errors = _errors(
        fest, draft, {"closures": [{"theater": fest["dome"].id, "first": "2031-03-30", "last": "April"}]}
    )
    assert "Choose a day of the festival" in errors["closure_first"][0]
    assert "YYYY-MM-DD" in errors["closure_last"][0]
    errors = _errors(
        fest, draft, {"closures": [{"theater": fest["dome"].id, "first": "2031-04-05", "last": "2031-04-04"}]}
    )
    assert errors["closure_last"] == ["The last day comes before the first."]
    week = dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), 1.0)
    assert (
        "A weight is a number from 0"
        in _errors(fest, draft, {"demand": {"day": {**week, "sat": -1}}})["sat"][0]
    )
    assert "every weekday" in _errors(fest, draft, {"demand": {"day": {"sat": 2}}})["changes"][0]
    assert _errors(fest, draft, {"demand": {"shortfall_cost": 1.5}})["shortfall_cost"] == [
        "A cost is a whole number."
    ]
    assert "A cost is a whole number from 0" in _errors(fest, draft, {"move_cost": -3})["move_cost"][0]
    assert "already in" in _errors(fest, draft, {"films": {"add": [f["a"].id], "drop": []}})["add_films"][0]
    assert "is not in" in _errors(fest, draft, {"films": {"add": [], "drop": [f["d"].id]}})["drop_films"][0]
    errors = _errors(fest, draft, {"films": {"add": [f["rejected"].id], "drop": []}})
    assert "not one of this edition's accepted films" in errors["add_films"][0]
    # good changes come back checked and in their stored shape
    good = {
        "closures": [{"theater": fest["giant"].id, "first": "2031-04-05", "last": "2031-04-06"}],
        "demand": {"day": {**week, "sat": 2}, "shortfall_cost": 5000},
        "films": {"add": [f["d"].id], "drop": [f["b"].id]},
        "move_cost": 0,
    }
    parsed = scenarios.parse_changes(good, fest["edition"], draft)
    assert parsed.as_json() == {**good, "demand": {"day": {**week, "sat": 2.0}, "shortfall_cost": 5000}}


def test_the_form_shows_each_problem_next_to_its_field(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    data = _form(
        draft, name="", closure_theater=fest["dome"].id, closure_first="2031-04-09", closure_last="2031-04-08"
    )
    response = client.post(f"{URL}?edition={fest['edition'].slug}", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Give the scenario a name." in page
    data = _form(
        draft, closure_theater=fest["dome"].id, closure_first="2031-04-09", closure_last="2031-04-08"
    )
    page = client.post(f"{URL}?edition={fest['edition'].slug}", data=data).get_data(as_text=True)
    assert "The last day comes before the first." in page
    data = _form(draft, sat="lots", time_limit="0")
    response = client.post(f"{URL}?edition={fest['edition'].slug}", data=data)
    assert response.status_code == 422
    assert "Choose between 1 and 600 seconds." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scenario)) == 0
    # the same in Chinese
    fest["staff"].locale = "zh"
    db.session.commit()
    page = client.post(f"{URL}?edition={fest['edition'].slug}", data=_form(draft, name="")).get_data(
        as_text=True
    )
    assert "请为方案命名" in page


def test_a_name_is_unique_per_edition(client, auth, tiny, published_and_draft):
    _published, draft = published_and_draft
    auth.login_as(tiny["staff"])
    client.post(f"{URL}?edition={tiny['edition'].slug}", data=_form(draft, name="Twice"))
    response = client.post(f"{URL}?edition={tiny['edition'].slug}", data=_form(draft, name=" Twice "))
    assert response.status_code == 422
    assert "Another scenario of this edition has that name." in response.get_data(as_text=True)


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("role", ["curator", "venue_manager", "filmmaker"])
def test_only_staff_reach_scenarios(client, make, role, tiny, published_and_draft):
    _published, draft = published_and_draft
    scenario = scenarios.create_scenario(
        tiny["edition"], name="Staff only", base=draft, changes={}, actor=tiny["staff"], time_limit=1
    )
    db.session.commit()
    runs.enqueue(scenario.run)
    Auth(client).login_as(make.user(role=role))
    slug = tiny["edition"].slug
    assert client.get(f"{URL}?edition={slug}").status_code == 403
    assert client.post(f"{URL}?edition={slug}", data=_form(draft, name="Mine")).status_code == 403
    assert client.get(f"{URL}/compare?edition={slug}&scenario={scenario.id}").status_code == 403
    for action in ("run", "promote", "delete"):
        assert client.post(f"{URL}/{scenario.id}/{action}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Scenario, scenario.id) is not None
    assert versions.drafts_of(tiny["edition"]) == [draft]


def test_anonymous_visitors_are_sent_to_log_in(client, tiny):
    response = client.get(f"{URL}?edition={tiny['edition'].slug}")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_every_scenario_form_needs_the_csrf_token(csrf_client, tiny, published_and_draft):
    _published, draft = published_and_draft
    Auth(csrf_client).login_as(tiny["staff"])
    page = f"{URL}?edition={tiny['edition'].slug}"
    assert csrf_client.post(page, data=_form(draft, name="No token")).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scenario)) == 0
    token = csrf_token(csrf_client, page)
    assert csrf_client.post(page, data={**_form(draft, name="Token"), "csrf_token": token}).status_code == 303
    scenario = _scenario("Token")
    for action in ("promote", "delete"):
        assert csrf_client.post(f"{URL}/{scenario.id}/{action}").status_code == 400
    assert db.session.get(Scenario, scenario.id) is not None
    assert versions.drafts_of(tiny["edition"]) == [draft]
    token = csrf_token(csrf_client, page)
    assert csrf_client.post(f"{URL}/{scenario.id}/promote", data={"csrf_token": token}).status_code == 303
    assert len(versions.drafts_of(tiny["edition"])) == 2


# ---------------------------------------------------------------- the comparison page


def test_two_scenarios_side_by_side_with_the_draft_and_the_published_version(
    client, auth, tiny, published_and_draft
):
    published, draft = published_and_draft
    edition = tiny["edition"]
    auth.login_as(tiny["staff"])
    client.post(f"{URL}?edition={edition.slug}", data=_form(draft, name="Same rules"))
    data = _form(draft, name="No dome", closure_theater=tiny["dome"].id, closure_first="2031-04-01",
                 closure_last="2031-04-07")  # fmt: skip
    client.post(f"{URL}?edition={edition.slug}", data=data)
    ids = [_scenario("Same rules").id, _scenario("No dome").id]
    response = client.get(f"{URL}/compare?edition={edition.slug}&scenario={ids[0]}&scenario={ids[1]}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Scenario “Same rules”" in page and "Scenario “No dome”" in page
    assert f"Version {published.number} (public)" in page and f"Draft {draft.draft_number}" in page
    assert "Dome closed from" in page
    assert "worse" in page  # no dome: fewer visitors than the draft, shown red
    assert "Films short of their minimum, and why" in page
    # fewer than two: back to the list with a message
    response = client.get(f"{URL}/compare?edition={edition.slug}&scenario={ids[0]}", follow_redirects=True)
    assert "Choose two or more scenarios" in response.get_data(as_text=True)


def test_the_list_shows_scenarios_and_their_changes_in_words(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    scenarios.create_scenario(
        fest["edition"],
        name="Quiet week",
        base=draft,
        changes={
            "closures": [{"theater": fest["giant"].id, "first": "2031-04-08", "last": "2031-04-13"}],
            "films": {"add": [fest["films"]["d"].id], "drop": []},
        },  # fmt: skip
        actor=fest["staff"],
        time_limit=1,
    )
    db.session.commit()
    page = client.get(f"{URL}?edition={fest['edition'].slug}").get_data(as_text=True)
    assert "Quiet week" in page and "Giant Screen closed from" in page and "Adds “Film D”" in page
    fest["staff"].locale = "zh"
    db.session.commit()
    page = client.get(f"{URL}?edition={fest['edition'].slug}").get_data(as_text=True)
    assert "巨幕影院" in page and "方案" in page
