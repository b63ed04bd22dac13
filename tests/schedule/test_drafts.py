"""One list of drafts: every draft numbered per edition, listed with its origin, size, objective and what it
changes against the public version; a solver run's result is one of them; drafts can be deleted."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import scheduler
from festival.errors import InvalidTransition
from festival.extensions import db
from festival.models import SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import adapter, edits, publishing, runs, versions
from tests.schedule.conftest import at


def _publish(version):
    publishing.publish(version, actor=None, lock=version.version, accept_warnings=True)
    db.session.commit()


def _move_a(fest, draft, day=4, hour=14):
    screening = next(s for s in draft.screenings if s.entry_id == fest["films"]["a"].id)
    edits.move_screening(screening, theater=fest["dome"], start=at(day, hour), actor=fest["staff"], lock=None)
    db.session.commit()


def test_drafts_are_numbered_per_edition_and_keep_their_number_when_published(fest, draft, make):
    other = make.edition()
    first_elsewhere = versions.create_draft(other, actor=None)
    copy = versions.create_draft(fest["edition"], actor=None, based_on=draft)
    db.session.commit()
    assert (draft.draft_number, copy.draft_number, first_elsewhere.draft_number) == (1, 2, 1)
    _publish(draft)
    assert (draft.number, draft.draft_number) == (1, 1)
    assert versions.version_name(draft) == "Version 1 · Working" and versions.version_name(copy) == "Draft 2"
    run = runs.start_run(fest["edition"], actor=fest["staff"], time_limit=1)
    db.session.commit()
    runs.execute_run(run.id)
    db.session.expire_all()
    result = db.session.get(SolveRun, run.id).result_version
    assert result.draft_number == 3 and result.status == VersionStatus.DRAFT


def test_two_versions_added_in_one_flush_get_two_numbers(fest):
    a = TimetableVersion(edition_id=fest["edition"].id)
    b = TimetableVersion(edition_id=fest["edition"].id)
    db.session.add_all([a, b])
    db.session.flush()
    assert (a.draft_number, b.draft_number) == (1, 2)


def test_hand_edits_are_counted_on_the_draft(fest, draft):
    assert draft.hand_edits == 0
    _move_a(fest, draft)
    screening = next(s for s in draft.screenings if s.entry_id == fest["films"]["b"].id)
    edits.set_pinned(screening, True, actor=None, lock=None)
    db.session.commit()
    assert draft.hand_edits == 2
    assert versions.create_draft(fest["edition"], actor=None, based_on=draft).hand_edits == 0


def test_the_home_lists_every_draft_with_origin_screenings_objective_and_changes(client, auth, fest, draft):
    _publish(draft)  # version 1 (draft 1)
    copy = versions.create_draft(fest["edition"], actor=fest["staff"], based_on=draft)  # draft 2
    db.session.commit()
    _move_a(fest, copy)
    empty = versions.create_draft(fest["edition"], actor=fest["staff"])  # draft 3
    db.session.commit()
    run = runs.start_run(fest["edition"], actor=fest["staff"], time_limit=1, base_version=copy)
    db.session.commit()
    runs.execute_run(run.id)
    db.session.expire_all()
    result = db.session.get(SolveRun, run.id).result_version  # draft 4

    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/?edition={fest['edition'].slug}").get_data(as_text=True)
    assert "Working draft" not in page
    rows = {n: page.split(f'data-draft="{n}"', 1)[1].split("</tr>", 1)[0] for n in (2, 3, 4)}
    assert 'data-draft="1"' not in page  # published: listed among the published versions
    assert "Copy of Version 1" in rows[2] and "1 hand edit<" in rows[2] and "1 moved" in rows[2]
    assert "Started empty" in rows[3] and "3 removed" in rows[3]
    assert f"Solver run {run.id}" in rows[4] and "(pins of Draft 2" in rows[4]
    instance = adapter.parse(adapter.build_instance(fest["edition"], keep_pins=False))
    objective = scheduler.check_json(instance, adapter.schedule_json_of(result)).objective
    assert f"{objective:,}" in rows[4]
    assert "Version 1 (was draft 1) is public since" in page
    assert f">{empty.id}<" not in rows[3]  # named by number, never by database id


def test_a_draft_can_be_deleted_and_what_named_it_forgets_it(client, auth, fest, draft):
    copy = versions.create_draft(fest["edition"], actor=fest["staff"], based_on=draft)
    db.session.commit()
    auth.login_as(fest["staff"])
    response = client.post(f"/staff/timetable/versions/{draft.id}/discard", data={"lock": draft.version})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(TimetableVersion, draft.id) is None
    assert db.session.get(TimetableVersion, copy.id).based_on_id is None


def test_a_draft_is_not_deleted_while_a_run_starts_from_it_nor_once_published(fest, draft):
    # 5 s, not 1: a fresh test worker imports the solver libraries inside the run, which under load can
    # take the whole of a 1 s budget and leave an empty (unpublishable) result
    run = runs.start_run(fest["edition"], actor=fest["staff"], time_limit=5, base_version=draft)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        versions.discard_draft(draft, actor=None, lock=None)
    db.session.rollback()
    runs.execute_run(run.id)
    db.session.expire_all()
    result = db.session.get(SolveRun, run.id).result_version
    _publish(result)
    with pytest.raises(versions.VersionFrozen):
        versions.discard_draft(result, actor=None, lock=None)
    db.session.rollback()
    versions.discard_draft(db.session.get(TimetableVersion, draft.id), actor=None, lock=None)
    db.session.commit()
    assert db.session.get(SolveRun, run.id).base_version_id is None


def test_a_run_takes_its_pins_from_the_public_version_once_it_is_the_newest(fest, draft):
    pinned = next(s for s in draft.screenings if s.entry_id == fest["films"]["c"].id)
    edits.set_pinned(pinned, True, actor=None, lock=None)
    db.session.commit()
    _publish(draft)
    assert adapter.pin_source(fest["edition"]).id == draft.id
    run = runs.start_run(fest["edition"], actor=fest["staff"], time_limit=1)
    db.session.commit()
    assert run.base_version_id == draft.id
    assert len(adapter.parse(adapter.build_instance(fest["edition"])).fixed) == 1
    newer = versions.create_draft(fest["edition"], actor=None)
    db.session.commit()
    assert adapter.pin_source(fest["edition"]).id == newer.id
    runs.transition(run.id, RunStatus.FAILED, error="not needed")


def test_the_migration_numbers_versions_and_removes_the_seed_draft_a_run_took_over(tmp_path):
    from flask_migrate import downgrade, upgrade

    from festival import create_app
    from festival.models import AuditEvent, Screening
    from tests import factories

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'm.sqlite3'}"})
    with app.app_context():
        upgrade()
        edition = factories.edition(schedule_weights={"change_penalty": 0})
        venue = factories.venue(edition)
        theater = factories.theater(venue)
        entry = factories.entry(edition, factories.user(), runtime_minutes=30)
        seed, result, other = (TimetableVersion(edition_id=edition.id) for _ in range(3))
        db.session.add_all([seed, result, other])
        db.session.flush()
        for version, pinned in ((seed, True), (result, True), (result, False)):
            start = at(2, 10 if pinned else 14)
            db.session.add(
                Screening(timetable_id=version.id, entry_id=entry.id, theater_id=theater.id, start=start,
                          end=start, pinned=pinned)
            )  # fmt: skip
        run = SolveRun(edition_id=edition.id, base_version_id=seed.id, result_version_id=result.id)
        db.session.add(run)
        db.session.add_all(
            AuditEvent(object_type="timetable_version", object_id=other.id, action=action)
            for action in ("screening.moved", "screening.added", "timetable.draft_created")
        )
        db.session.commit()
        ids = (seed.id, result.id, other.id, run.id, edition.id)
        db.session.remove()
        downgrade(revision="62806bd9d7cb")
        upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT id, draft_number, hand_edits FROM timetable_version ORDER BY id")
            ).all()
            base = conn.execute(sa.text("SELECT base_version_id FROM solve_run WHERE id = :i"), {"i": ids[3]})
            weights = conn.execute(
                sa.text("SELECT schedule_weights FROM edition WHERE id = :i"), {"i": ids[4]}
            )
            base, weights = base.scalar(), weights.scalar()
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(ids[1], 1, 0), (ids[2], 2, 2)]
    assert base is None
    assert '"change_penalty": 1000' in weights
