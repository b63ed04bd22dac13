"""The solver-run lifecycle: queued, running with progress, finished, stopped, failed, reaped."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

import scheduler
from festival import jobs
from festival.extensions import db
from festival.models import Decision, Screening, SolveRun, TimetableVersion, User
from festival.models.enums import RunStatus, VersionStatus
from festival.models.types import utcnow
from festival.schedule import adapter, runs
from tests.conftest import log_in
from tests.factories import TZ


def _start(client, edition, **data):
    form = {"time_limit": "1", "keep_pins": "y", "base_version": "0"}
    form.update(data)
    return client.post(f"/staff/timetable/runs?edition={edition.slug}", data=form)


def _latest_run() -> SolveRun:
    run = db.session.scalars(sa.select(SolveRun).order_by(SolveRun.id.desc())).first()
    db.session.refresh(run)
    return run


def test_generate_runs_the_solver_and_stores_a_new_validated_draft(client, auth, tiny):
    auth.login_as(tiny["staff"])
    response = _start(client, tiny["edition"])
    assert response.status_code == 303

    run = _latest_run()
    assert response.headers["Location"].endswith(f"/staff/timetable/runs/{run.id}")
    assert run.status == RunStatus.FINISHED
    assert run.solver_status in ("optimal", "feasible")
    assert run.started_at and run.heartbeat_at and run.finished_at and run.worker
    assert run.progress["phase"] == "done"
    version = db.session.get(TimetableVersion, run.result_version_id)
    assert version.status == VersionStatus.DRAFT and version.source_run_id == run.id
    schedule = json.loads(run.schedule_json)
    assert len(version.screenings) == len(schedule["screenings"]) > 0
    instance = scheduler.parse_instance(json.loads(run.instance_json))
    report = scheduler.check_json(instance, {"screenings": adapter.screenings_to_schedule(version)})
    assert report.valid and report.objective == run.objective
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "Every accepted film got at least its minimum number of screenings." in page


def test_progress_json_is_the_same_for_every_watching_staff_member(app, client, auth, tiny, make):
    auth.login_as(tiny["staff"])
    _start(client, tiny["edition"])
    run = _latest_run()
    other = app.test_client()
    log_in(other, make.user(role="admin"))
    db.session.commit()
    first = client.get(f"/staff/timetable/runs/{run.id}/progress.json").get_json()
    second = other.get(f"/staff/timetable/runs/{run.id}/progress.json").get_json()
    assert first == second
    assert first["status"] == "finished", first["error"]
    assert first["status"] == "finished" and first["objective"] == run.objective
    assert first["closed_percent"] is not None


def test_downloads_are_the_spec_formats(client, auth, tiny):
    auth.login_as(tiny["staff"])
    _start(client, tiny["edition"])
    run = _latest_run()
    inst = client.get(f"/staff/timetable/runs/{run.id}/instance.json")
    sched = client.get(f"/staff/timetable/runs/{run.id}/schedule.json")
    assert "attachment" in inst.headers["Content-Disposition"]
    instance = scheduler.parse_instance(inst.get_json())
    assert scheduler.check_json(instance, sched.get_json()).valid
    assert sched.get_json()["format"] == "festival-schedule/1"


def test_shortfalls_are_listed_with_the_solvers_reason(client, auth, tiny):
    film = tiny["films"][0]
    decision = db.session.scalar(sa.select(Decision).where(Decision.entry_id == film.id))
    decision.min_screenings = decision.max_screenings = 20  # one per day at most, seven days
    decision.max_per_day = 1
    db.session.commit()
    auth.login_as(tiny["staff"])
    _start(client, tiny["edition"])
    run = _latest_run()
    rows = runs.shortfall_rows(run)
    assert [r["entry_id"] for r in rows] == [film.id]
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "Films that did not get their minimum screenings" in page
    assert "星空漫游" in page and "Fulldome (planetarium)" in page
    # in words, with the museum's dates: once a day, on the six open days of the week (closed on Mondays)
    assert rows[0]["reason"].startswith(
        "Only 6 days between Tue, Apr 1 and Mon, Apr 7 can hold it, at most 1 a day: 6 screenings at most."
    )
    assert rows[0]["reason"] in page and "max_per_day" not in page
    client.get("/language/zh?next=/")
    page_zh = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "之间只有 6 天能安排它，每天最多 1 场：最多 6 场。" in page_zh


def test_solver_exception_marks_run_failed_and_stores_nothing(client, auth, tiny, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(runs, "solve_instance", broken)
    auth.login_as(tiny["staff"])
    _start(client, tiny["edition"])
    run = _latest_run()
    assert run.status == RunStatus.FAILED
    assert "solver exploded" in run.error
    assert run.result_version_id is None and run.schedule_json is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TimetableVersion)) == 0
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "The run failed" in page and "solver exploded" in page


def test_result_breaking_a_rule_is_refused_by_the_validator(client, auth, tiny, monkeypatch):
    film = f"e{tiny['films'][0].id}"

    def cheating(instance, **kwargs):
        bad = scheduler.Screening(scheduler.parse_time("2031-04-01T03:00"), "dome", film)  # museum closed
        return scheduler.Schedule("feasible", 999, 999, 0.1, (bad,))

    monkeypatch.setattr(runs, "solve_instance", cheating)
    auth.login_as(tiny["staff"])
    _start(client, tiny["edition"])
    run = _latest_run()
    assert run.status == RunStatus.FAILED
    assert "breaks the rules" in run.error and "opening interval" in run.error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) == 0


def _published(edition, entry, theater):
    version = TimetableVersion(
        edition_id=edition.id, status=VersionStatus.PUBLISHED, number=1, published_at=utcnow()
    )
    db.session.add(version)
    db.session.flush()
    start = datetime(2031, 4, 5, 14, 0, tzinfo=TZ)
    db.session.add(
        Screening(timetable_id=version.id, entry_id=entry.id, theater_id=theater.id, start=start,
                  end=start + timedelta(minutes=entry.runtime_minutes))
    )  # fmt: skip
    db.session.commit()
    return version


def test_stale_heartbeat_is_reaped_as_failed_when_progress_is_polled(client, auth, tiny):
    published = _published(tiny["edition"], tiny["films"][0], tiny["dome"])
    auth.login_as(tiny["staff"])
    long_ago = utcnow() - timedelta(minutes=5)
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago,
        instance_json="{}", time_limit_seconds=60,
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()

    data = client.get(f"/staff/timetable/runs/{run.id}/progress.json").get_json()

    assert data["status"] == "failed" and not data["active"]
    assert "heartbeat" in data["error"]
    db.session.refresh(published)
    assert published.status == VersionStatus.PUBLISHED and len(published.screenings) == 1


def test_fresh_heartbeat_is_not_reaped(app, tiny):
    now = utcnow()
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now,
        instance_json="{}", time_limit_seconds=60,
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    assert runs.reap_stale_runs() == 0
    assert runs.reap_stale_runs(now=now + timedelta(seconds=31)) == 1


def test_run_far_beyond_its_time_limit_is_reaped_even_with_a_heartbeat(app, tiny):
    now = utcnow()
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.RUNNING, started_at=now - timedelta(seconds=500),
        heartbeat_at=now, instance_json="{}", time_limit_seconds=60,
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    assert runs.reap_stale_runs(now=now) == 1
    db.session.refresh(run)
    assert run.status == RunStatus.FAILED and "time limit" in run.error


def test_stop_on_a_running_run_keeps_the_best_timetable(app, client, auth, demo_edition):
    staff = db.session.scalar(sa.select(User).where(User.email == "staff@demo.festival"))
    run = runs.start_run(demo_edition, actor=staff, time_limit=60)
    db.session.commit()
    run_id = run.id
    worker = threading.Thread(target=_execute_in_context, args=(app, run_id))
    worker.start()
    try:
        _wait(lambda: runs.get_run(run_id).progress.get("objective") is not None, 30)
        assert runs.get_run(run_id).status == RunStatus.RUNNING
        auth.login_as(staff)
        response = client.post(f"/staff/timetable/runs/{run_id}/stop")
        assert response.status_code == 303
    finally:
        worker.join(60)
    assert not worker.is_alive()
    run = runs.get_run(run_id)
    assert run.status == RunStatus.STOPPED and run.stop_requested, run.error
    assert (run.finished_at - run.started_at).total_seconds() < 45
    version = db.session.get(TimetableVersion, run.result_version_id)
    assert version.status == VersionStatus.DRAFT and len(version.screenings) > 500
    assert adapter.check_version(version, instance=json.loads(run.instance_json)).valid


def test_stop_on_a_queued_run_cancels_it_and_the_worker_skips_it(app, client, auth, tiny):
    run = runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    db.session.commit()
    auth.login_as(tiny["staff"])
    client.post(f"/staff/timetable/runs/{run.id}/stop")
    assert runs.get_run(run.id).status == RunStatus.STOPPED
    assert runs.execute_run(run.id) is None
    assert runs.get_run(run.id).result_version_id is None


def test_second_run_while_one_is_active_goes_to_the_active_one(client, auth, tiny):
    active = runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    db.session.commit()
    auth.login_as(tiny["staff"])
    response = _start(client, tiny["edition"])
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/runs/{active.id}")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SolveRun)) == 1


def _execute_in_context(app, run_id):
    with app.app_context():
        runs.execute_run(run_id)


def _wait(predicate, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail("condition not reached in time")


def test_run_of_a_vanished_local_worker_process_is_reaped_at_once(app, tiny, make):
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    now = utcnow()
    dead = f"{socket.gethostname()}:{gone.stdout.strip()}:Worker-1"
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now,
        instance_json="{}", time_limit_seconds=60, worker=dead,
    )  # fmt: skip
    alive = SolveRun(  # another edition's: one active run per edition
        edition_id=make.edition().id, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now,
        instance_json="{}", time_limit_seconds=60, worker=jobs.worker_id(),
    )  # fmt: skip
    db.session.add_all([run, alive])
    db.session.commit()
    assert runs.reap_stale_runs() == 1
    assert runs.get_run(run.id).status == RunStatus.FAILED and "is gone" in runs.get_run(run.id).error
    assert runs.get_run(alive.id).status == RunStatus.RUNNING


def test_staff_see_what_the_solver_is_doing_in_words_in_both_languages(client, auth, tiny):
    now = utcnow()
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.RUNNING, started_at=now, heartbeat_at=now,
        instance_json="{}", time_limit_seconds=60,
        progress={"phase": "improving", "formats": ["dome", "4d"], "objective": 5, "bound": 9},
    )  # fmt: skip
    db.session.add(run)
    db.session.commit()
    auth.login_as(tiny["staff"])
    data = client.get(f"/staff/timetable/runs/{run.id}/progress.json").get_json()
    assert data["phase"] == "improving"
    assert data["phase_label"] == "Improving the timetable of the Fulldome (planetarium), 4D theaters"
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "Improving the timetable of the Fulldome (planetarium), 4D theaters" in page
    client.get("/language/zh?next=/")
    data = client.get(f"/staff/timetable/runs/{run.id}/progress.json").get_json()
    assert data["phase_label"].startswith("正在优化") and data["phase_label"].endswith("影厅的排片")
    assert runs.phase_label("bounding", []) == runs.phase_label("bounding") == "正在证明排片表最好能达到多好"
    assert runs.phase_label(None) is None
