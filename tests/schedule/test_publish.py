"""Publishing: numbered versions, change logs, frozen published versions, problems before publishing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import AuditEvent, Screening, SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import changelog, edits, publishing, runs, versions
from tests.conftest import Auth, csrf_token
from tests.schedule.conftest import at, screen


def _publish(version, actor=None, accept=True, name=None):
    out = publishing.publish(
        version, actor=actor, lock=version.version, accept_warnings=accept, confirm_name=name
    )
    db.session.commit()
    return out


def _snapshot(version: TimetableVersion) -> list[tuple]:
    db.session.expire_all()
    stmt = sa.select(
        Screening.id,
        Screening.entry_id,
        Screening.theater_id,
        Screening.start,
        Screening.end,
        Screening.pinned,
    ).where(Screening.timetable_id == version.id)
    return sorted(tuple(r) for r in db.session.execute(stmt))


def _copy(fest, version):
    draft = versions.create_draft(fest["edition"], actor=fest["staff"], based_on=version)
    db.session.commit()
    return draft


def _screening(version, entry):
    stmt = sa.select(Screening).where(Screening.timetable_id == version.id, Screening.entry_id == entry.id)
    return db.session.scalars(stmt).first()


def test_the_first_publication_is_version_1_with_who_and_when(fest, draft):
    _publish(draft, actor=fest["staff"])
    assert draft.status == VersionStatus.PUBLISHED and draft.number == 1
    assert draft.published_by_id == fest["staff"].id and draft.published_at is not None
    assert draft.changelog == []
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "timetable.published")).one()
    assert event.object_id == draft.id and '"number": 1' in event.new_value


def test_a_second_publication_supersedes_the_first_with_a_change_log(fest, draft):
    f = fest["films"]
    _publish(draft)
    second = _copy(fest, draft)
    edits.move_screening(
        _screening(second, f["a"]), theater=fest["dome2"], start=at(4, 14), actor=None, lock=None
    )
    edits.remove_screening(_screening(second, f["b"]), actor=None, lock=None)
    edits.add_screening(second, entry=f["d"], theater=fest["giant"], start=at(5, 14), actor=None, lock=None)
    db.session.commit()
    _publish(second, name=fest["edition"].name)  # it removes a third of the public screenings
    db.session.refresh(draft)
    assert (draft.status, draft.number) == (VersionStatus.SUPERSEDED, 1)
    assert (second.status, second.number) == (VersionStatus.PUBLISHED, 2)
    log = {entry["kind"]: entry for entry in second.changelog}
    assert set(log) == {"added", "removed", "moved"} and len(second.changelog) == 3
    moved = log["moved"]
    assert moved["film"] == f["a"].id and moved["title"] == "Film A"
    assert moved["from"]["start"] == "2031-04-02T10:00" and moved["from"]["theater_name"] == "Dome"
    assert moved["to"]["start"] == "2031-04-04T14:00" and moved["to"]["theater"] == fest["dome2"].id
    assert log["removed"]["film"] == f["b"].id and log["removed"]["to"] is None
    assert log["added"]["film"] == f["d"].id and log["added"]["from"] is None
    assert log["added"]["to"]["end"] == "2031-04-05T14:50"


def test_version_numbers_keep_counting_and_superseded_versions_stay_readable(client, auth, fest, draft):
    _publish(draft)
    second = _copy(fest, draft)
    _publish(second)
    third = _copy(fest, second)
    _publish(third)
    numbers = [v.number for v in versions.versions_of(fest["edition"])]
    assert numbers == [3, 2, 1]
    assert [v.status for v in versions.versions_of(fest["edition"])] == [
        VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED, VersionStatus.SUPERSEDED,
    ]  # fmt: skip
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}?day=2031-04-02")
    assert page.status_code == 200 and "Film A" in page.get_data(as_text=True)


def test_a_published_version_cannot_be_published_or_edited_again(fest, draft):
    _publish(draft)
    with pytest.raises(versions.VersionFrozen):
        publishing.publish(draft, actor=None, lock=None)
    with pytest.raises(versions.VersionFrozen):
        edits.remove_screening(_screening(draft, fest["films"]["a"]), actor=None, lock=None)


def test_hard_rule_problems_block_publishing(fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(2, 10, 30))  # inside A's changeover
    screen(draft, fest["films"]["b"], fest["dome2"], at(2, 15))  # B twice a day
    db.session.commit()
    problems = publishing.publish_problems(draft)
    assert {p.rule for p in problems if p.blocking} == {"one screening at a time", "counts"}
    assert all(set(p.as_dict()) == {"kind", "rule", "code", "message", "refs"} for p in problems)
    assert {p.code for p in problems if p.blocking} == {"overlap", "max_per_day"}
    with pytest.raises(versions.PublishBlocked) as caught:
        publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    assert all(p.blocking for p in caught.value.problems)
    db.session.rollback()
    db.session.refresh(draft)
    assert draft.status == VersionStatus.DRAFT and draft.number is None


def test_films_short_of_their_minimum_warn_and_need_confirmation(fest, draft):
    edits.remove_screening(_screening(draft, fest["films"]["c"]), actor=None, lock=None)
    db.session.commit()
    problems = publishing.publish_problems(draft)
    assert [(p.kind, str(p.message)) for p in problems] == [
        ("shortfall", "“Film C” has 0 of its minimum of 1 screening.")
    ]
    assert problems[0].refs == (f"film:{fest['films']['c'].id}",)
    with pytest.raises(versions.PublishBlocked):
        publishing.publish(draft, actor=None, lock=None)
    _publish(draft, accept=True)
    assert draft.number == 1


def test_an_empty_draft_cannot_be_published(fest):
    empty = versions.create_draft(fest["edition"], actor=None)
    db.session.commit()
    with pytest.raises(versions.PublishBlocked):
        publishing.publish(empty, actor=None, lock=None, accept_warnings=True)


def test_the_published_timetable_is_untouched_by_draft_edits_and_solver_runs(fest, draft):
    _publish(draft)
    published = _snapshot(draft)
    copy = _copy(fest, draft)
    edits.move_screening(
        _screening(copy, fest["films"]["a"]), theater=fest["dome"], start=at(4, 14), actor=None, lock=None
    )
    edits.set_pinned(_screening(copy, fest["films"]["c"]), True, actor=None, lock=None)
    db.session.commit()
    run = runs.start_run(fest["edition"], actor=fest["staff"], time_limit=2, base_version=copy)
    db.session.commit()
    runs.execute_run(run.id)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.status == RunStatus.FINISHED
    result = db.session.get(TimetableVersion, run.result_version_id)
    assert result.status == VersionStatus.DRAFT and result.id not in (draft.id, copy.id)
    assert _snapshot(draft) == published
    assert versions.published_version(fest["edition"]).id == draft.id
    # the pin of the copy survived the re-solve, and the diff against the published version says what moved
    assert any(s.pinned and s.entry_id == fest["films"]["c"].id for s in result.screenings)
    diff = changelog.diff_versions(draft, result)
    assert diff.unchanged + len(diff.moved) + len(diff.removed) == len(published)


def test_diff_pairs_a_films_moves_nearest_first(fest, draft):
    f = fest["films"]
    base = versions.create_draft(fest["edition"], actor=None)
    screen(base, f["a"], fest["dome"], at(2, 10))
    screen(base, f["a"], fest["dome"], at(9, 10))
    target = versions.create_draft(fest["edition"], actor=None)
    screen(target, f["a"], fest["dome"], at(9, 14))  # the 9 April screening moved in the day
    screen(target, f["a"], fest["dome2"], at(3, 10))  # the 2 April one moved a day and a theater
    screen(target, f["b"], fest["dome"], at(3, 11))
    diff = changelog.diff_versions(base, target)
    moves = sorted((c.before.start, c.after.start) for c in diff.moved)
    assert moves == [(at(2, 10), at(3, 10)), (at(9, 10), at(9, 14))]
    assert [c.entry.id for c in diff.added] == [f["b"].id] and diff.removed == [] and diff.unchanged == 0


def test_the_publish_page_lists_problems_and_changes_then_publishes_with_a_real_csrf_token(
    csrf_client, fest, draft
):
    Auth(csrf_client).login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/publish"
    page = csrf_client.get(url).get_data(as_text=True)
    assert "Every hard rule holds" in page and "Publish as version 1" in page
    assert "This is the first version: 3 screenings become public." in page
    assert csrf_client.post(url, data={"lock": draft.version}).status_code == 400
    response = csrf_client.post(url, data={"lock": draft.version, "csrf_token": csrf_token(csrf_client, url)})
    assert response.status_code == 303
    db.session.refresh(draft)
    assert draft.status == VersionStatus.PUBLISHED and draft.published_by_id == fest["staff"].id


def test_publishing_a_draft_with_broken_rules_through_the_page_is_refused(client, auth, fest, draft):
    screen(draft, fest["films"]["a"], fest["dome2"], at(2, 10))  # two copies of A at once
    db.session.commit()
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/publish"
    page = client.get(url).get_data(as_text=True)
    assert "Hard rules broken" in page and "Copies of a film" in page and "Publish as version" not in page
    response = client.post(url, data={"lock": draft.version, "accept_warnings": "y"})
    assert "cannot be published" in response.get_data(as_text=True)
    db.session.refresh(draft)
    assert draft.status == VersionStatus.DRAFT


def test_copying_a_published_version_makes_a_new_draft_with_the_same_screenings(client, auth, fest, draft):
    a = _screening(draft, fest["films"]["a"])
    a.pinned = True
    db.session.commit()
    _publish(draft)
    auth.login_as(fest["staff"])
    response = client.post(f"/staff/timetable/versions/{draft.id}/copy", data={"lock": draft.version})
    assert response.status_code == 303
    copy = versions.current_draft(fest["edition"])
    assert copy.based_on_id == draft.id and copy.status == VersionStatus.DRAFT
    assert [(s.entry_id, s.start, s.pinned) for s in copy.screenings] == [
        (s.entry_id, s.start, s.pinned) for s in draft.screenings
    ]


def test_resolve_around_my_pins_starts_a_run_that_keeps_them(client, auth, fest, draft):
    a = _screening(draft, fest["films"]["a"])
    edits.set_pinned(a, True, actor=None, lock=None)
    db.session.commit()
    auth.login_as(fest["staff"])
    response = client.post(
        f"/staff/timetable/versions/{draft.id}/resolve", data={"lock": draft.version, "time_limit": "2"}
    )
    assert response.status_code == 303
    run = db.session.scalars(sa.select(SolveRun).order_by(SolveRun.id.desc())).first()
    db.session.refresh(run)
    assert response.headers["Location"].endswith(f"/staff/timetable/runs/{run.id}")
    assert run.keep_pins and run.base_version_id == draft.id and run.status == RunStatus.FINISHED
    result = db.session.get(TimetableVersion, run.result_version_id)
    assert [
        (s.start, s.theater_id) for s in result.screenings if s.entry_id == fest["films"]["a"].id and s.pinned
    ] == [(at(2, 10), fest["dome"].id)]


def test_the_timetable_home_lists_versions_and_starts_drafts(client, auth, fest, draft):
    _publish(draft)
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/?edition={fest['edition'].slug}").get_data(as_text=True)
    assert "Version 1" in page and "Nothing is published yet" not in page
    response = client.post(
        f"/staff/timetable/editions/{fest['edition'].id}/drafts",
        data={"based_on": draft.id, "label": "After the forum"},
    )
    assert response.status_code == 303
    new = versions.current_draft(fest["edition"])
    assert new.label == "After the forum" and len(new.screenings) == 3
    empty = client.post(f"/staff/timetable/editions/{fest['edition'].id}/drafts", data={"based_on": 0})
    assert empty.status_code == 303 and versions.current_draft(fest["edition"]).screenings == []
    bad = client.post(f"/staff/timetable/editions/{fest['edition'].id}/drafts", data={"based_on": 999})
    assert bad.status_code == 303 and "Please choose" in client.get(bad.headers["Location"]).get_data(
        as_text=True
    )


def test_problems_are_available_as_json(client, auth, fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(2, 10, 30))
    db.session.commit()
    auth.login_as(fest["staff"])
    data = client.get(f"/staff/timetable/versions/{draft.id}/problems.json").get_json()
    assert {(p["kind"], p["rule"]) for p in data["problems"]} == {("hard_rule", "one screening at a time")}
    starry = "“Starry Sky”, Dome, Wed, Apr 2 10:30: “Film A” is already showing in Dome until 10:30"
    problem = next(p for p in data["problems"] if p["message"].startswith(starry))
    assert problem["refs"] == [f"film:{fest['films']['zh'].id}", f"film:{fest['films']['a'].id}"]
