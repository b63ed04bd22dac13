"""Solver runs on real queues: the embedded SQLite queue consumed by worker threads, Redis, and a
worker process killed in the middle of a run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from festival.extensions import db, job_queue
from festival.models import Entry, Screening, SolveRun, Theater, TimetableVersion, User, Venue
from festival.models.enums import FilmFormat, RunStatus, VersionStatus
from festival.models.types import utcnow
from festival.schedule import runs

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def app_overrides(tmp_path, request):
    overrides = {
        "JOB_QUEUE_IMMEDIATE": False,
        "JOB_QUEUE_PATH": str(tmp_path / "jobs.sqlite3"),
        "RUN_HEARTBEAT_SECONDS": 0.3,
        "RUN_STALE_AFTER_SECONDS": 4,
    }
    if "redis" in request.keywords:
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set (scripts/test starts a redis-server and sets it)")
        overrides["REDIS_URL"] = REDIS_URL
    return overrides


def _progress(client, run_id) -> dict:
    return client.get(f"/staff/timetable/runs/{run_id}/progress.json").get_json()


def _poll(client, run_id, until, seconds=60) -> dict:
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        data = _progress(client, run_id)
        seen.append(data["status"])
        if until(data):
            return data
        time.sleep(0.2)
    pytest.fail(f"run {run_id} did not get there in {seconds} s; statuses seen: {sorted(set(seen))}")


def _start(client, edition, time_limit=2) -> int:
    started = time.monotonic()
    response = client.post(
        f"/staff/timetable/runs?edition={edition.slug}",
        data={"time_limit": str(time_limit), "keep_pins": "y", "base_version": "0"},
    )
    assert response.status_code == 303
    assert time.monotonic() - started < 5, "the request must not wait for the solver"
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _lifecycle_on_a_consumer(app, client, auth, tiny):
    auth.login_as(tiny["staff"])
    run_id = _start(client, tiny["edition"])
    assert _progress(client, run_id)["status"] == "queued"  # nobody consumes the queue yet
    consumer = job_queue.start_consumer(app)
    try:
        running = _poll(client, run_id, lambda p: p["status"] != "queued")
        assert running["status"] in ("running", "finished")
        done = _poll(client, run_id, lambda p: not p["active"])
    finally:
        consumer.stop(graceful=True)
    assert done["status"] == "finished" and done["objective"] is not None
    run = runs.get_run(run_id)
    assert "Worker-1" in run.worker
    version = db.session.get(TimetableVersion, run.result_version_id)
    assert version.status == VersionStatus.DRAFT and version.screenings


def test_embedded_sqlite_queue_runs_in_worker_threads(app, client, auth, tiny):
    assert job_queue.queue(app).backend == "sqlite"
    assert app.extensions["festival.start_embedded_worker"] == job_queue.start_consumer
    _lifecycle_on_a_consumer(app, client, auth, tiny)


@pytest.mark.redis
def test_redis_queue_runs_in_a_consumer(app, client, auth, tiny):
    queue = job_queue.queue(app)
    assert queue.backend == "redis"
    assert "festival.start_embedded_worker" not in app.extensions  # Redis deployments run scripts/worker
    queue.huey.flush()
    _lifecycle_on_a_consumer(app, client, auth, tiny)


def _worker_process(app, tmp_path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        FESTIVAL_ENV="testing",
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        JOB_QUEUE_PATH=app.config["JOB_QUEUE_PATH"],
        PYTHONPATH=str(ROOT),
    )
    env.pop("REDIS_URL", None)
    if app.config.get("REDIS_URL"):
        env["REDIS_URL"] = app.config["REDIS_URL"]
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen(
        [sys.executable, "-m", "festival.worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _publish_one(edition) -> TimetableVersion:
    entry_id = db.session.scalar(
        sa.select(Entry.id).where(Entry.edition_id == edition.id, Entry.format == FilmFormat.DOME).limit(1)
    )
    theater_id = db.session.scalar(
        sa.select(Theater.id).join(Venue).where(Venue.edition_id == edition.id, Theater.code == "dome")
    )
    version = TimetableVersion(
        edition_id=edition.id, status=VersionStatus.PUBLISHED, number=1, published_at=utcnow()
    )
    db.session.add(version)
    db.session.flush()
    start = utcnow().replace(year=2021, month=4, day=10, hour=2, minute=0, second=0, microsecond=0)
    db.session.add(
        Screening(timetable_id=version.id, entry_id=entry_id, theater_id=theater_id, start=start,
                  end=start + timedelta(minutes=40))
    )  # fmt: skip
    db.session.commit()
    return version


@pytest.mark.slow
def test_worker_killed_mid_run_is_reaped_as_failed_and_published_timetable_is_untouched(
    app, client, auth, demo_edition, tmp_path
):
    published = _publish_one(demo_edition)
    before = [(s.entry_id, s.theater_id, s.start) for s in published.screenings]
    auth.login_as(db.session.scalar(sa.select(User).where(User.email == "staff@demo.festival")))
    run_id = _start(client, demo_edition, time_limit=120)
    worker = _worker_process(app, tmp_path)
    try:
        running = _poll(client, run_id, lambda p: p["status"] == "running" and p["objective"] is not None, 90)
        assert running["heartbeat_at"] is not None and running["active"]
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        failed = _poll(client, run_id, lambda p: p["status"] != "running", 30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)
    assert failed["status"] == "failed" and not failed["active"]
    assert "crashed or was killed" in failed["error"]
    run = runs.get_run(run_id)
    assert run.result_version_id is None and run.schedule_json is None
    db.session.expire_all()
    published = db.session.get(TimetableVersion, published.id)
    assert published.status == VersionStatus.PUBLISHED
    assert [(s.entry_id, s.theater_id, s.start) for s in published.screenings] == before
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(TimetableVersion)) == 2
    )  # + the pins' draft
    page = client.get(f"/staff/timetable/runs/{run_id}").get_data(as_text=True)
    assert 'class="card run-failed"' in page  # the demo staff member reads the page in Chinese
    assert db.session.get(SolveRun, run_id).status == RunStatus.FAILED


@pytest.mark.parametrize(
    "app_overrides", [{"JOB_QUEUE_IMMEDIATE": False, "REDIS_URL": "redis://127.0.0.1:9/0"}]
)
def test_a_run_that_cannot_be_queued_fails_at_once_and_says_why(app, client, auth, tiny):
    auth.login_as(tiny["staff"])  # Redis is unreachable: nothing listens on port 9
    run_id = _start(client, tiny["edition"])
    progress = _progress(client, run_id)
    assert progress["status"] == "failed" and not progress["active"]
    assert runs.get_run(run_id).error.startswith("Could not queue the run")
    page = client.get(f"/staff/timetable/runs/{run_id}").get_data(as_text=True)
    assert "Could not queue the run" in page
