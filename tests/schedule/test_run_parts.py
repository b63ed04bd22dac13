"""A run fanned out over the job queue (RUN_PART_TASKS): its parts solved by part tasks, merged into one
checked draft; inline (immediate queue) and on real Redis workers."""

from __future__ import annotations

import json
import logging
import os
import time

import pytest
import sqlalchemy as sa

import scheduler
from festival.extensions import db, job_queue
from festival.models import SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import adapter, parts

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture
def app_overrides(tmp_path, request):
    overrides = {"RUN_PART_TASKS": True, "RUN_PART_WAIT_SECONDS": 30}
    if "redis" in request.keywords:
        if not REDIS_URL:
            pytest.skip("TEST_REDIS_URL is not set (scripts/test starts a redis-server and sets it)")
        overrides.update(JOB_QUEUE_IMMEDIATE=False, REDIS_URL=REDIS_URL, RUN_HEARTBEAT_SECONDS=0.3)
    return overrides


def _start(client, edition) -> int:
    response = client.post(
        f"/staff/timetable/runs?edition={edition.slug}",
        data={"time_limit": "2", "keep_pins": "y", "base_version": "0"},
    )
    assert response.status_code == 303
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _run(run_id: int) -> SolveRun:
    run = db.session.get(SolveRun, run_id)
    db.session.refresh(run)
    return run


def _check_merged(run: SolveRun) -> scheduler.Instance:
    assert run.status == RunStatus.FINISHED, run.error
    instance = scheduler.parse_instance(json.loads(run.instance_json))
    assert len(scheduler.split(instance)) == 2  # the dome and the 4D theaters
    version = db.session.get(TimetableVersion, run.result_version_id)
    assert version.status == VersionStatus.DRAFT
    report = scheduler.check_json(instance, {"screenings": adapter.screenings_to_schedule(version)})
    assert report.valid and report.objective == run.objective
    assert {s.film for s in scheduler.schedule_from_json(json.loads(run.schedule_json)).screenings} == {
        f.id for f in instance.films
    }  # both parts came back: every film is shown
    assert run.bound is not None and run.bound >= run.objective
    return instance


def test_a_run_in_parts_merges_them_into_one_valid_draft(client, auth, tiny, monkeypatch):
    calls = []
    real = parts.solve_part_task
    monkeypatch.setattr(parts, "solve_part_task", lambda *a: calls.append(a) or real(*a))
    auth.login_as(tiny["staff"])
    run = _run(_start(client, tiny["edition"]))
    instance = _check_merged(run)
    assert [index for _run_id, index, _limit in calls] == [1]  # the run's task solved part 0 itself
    # the same objective as the parts solved apart and merged by the library
    whole = scheduler.merge(
        instance, [scheduler.solve_part(instance, p, time_limit=2) for p in scheduler.split(instance)]
    )
    assert run.objective <= whole.bound and whole.objective <= run.bound
    assert run.progress["phase"] == "done" and run.progress["objective"] == run.objective


def test_a_part_of_a_run_that_ended_does_nothing(app, tiny):
    run = SolveRun(
        edition_id=tiny["edition"].id, status=RunStatus.STOPPED, time_limit_seconds=2, instance_json="{}"
    )
    db.session.add(run)
    db.session.commit()
    parts.solve_part_task(run.id, 1, 2)  # no instance read, no result written
    assert job_queue.queue(app).huey.get(f"festival:run:{run.id}:part:1:result", peek=True) is None


class _Messages(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.mark.redis
def test_parts_are_solved_by_redis_workers(app, client, auth, tiny):
    queue = job_queue.queue(app)
    assert queue.backend == "redis"
    queue.huey.flush()
    auth.login_as(tiny["staff"])
    run_id = _start(client, tiny["edition"])
    consumer = job_queue.start_consumer(app, workers=2)  # the run on one worker, its other part on another
    messages = _Messages()
    logger = logging.getLogger("festival.schedule.parts")
    logger.addHandler(messages)
    level = logger.level
    logger.setLevel(logging.INFO)  # setLevel, not the attribute: it clears the logger's cached 'not enabled'
    disabled, logger.disabled = logger.disabled, False  # the migrations' logging config disables it
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and _run(run_id).status in (RunStatus.QUEUED, RunStatus.RUNNING):
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
        logger.removeHandler(messages)
        logger.setLevel(level)
        logger.disabled = disabled
    run = _run(run_id)
    _check_merged(run)
    came_back = [m for m in messages.messages if "came back from" in m]
    assert len(came_back) == 1 and run.worker not in came_back[0]  # another worker thread solved it
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SolveRun)) == 1
