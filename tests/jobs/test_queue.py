"""The job queue is an extension: create_app sets it up, areas register named tasks with a retry policy."""

from __future__ import annotations

from flask import current_app

from festival.extensions import job_queue
from festival.jobs import JobQueue
from festival.schedule.runs import SOLVE_RUN, reap_stale_runs


def test_a_task_is_registered_with_a_name_and_retries_and_runs_in_an_app_context(app):
    queue = JobQueue()
    calls = []

    @queue.task("note", retries=3, retry_delay=60)
    def note(text: str) -> None:
        calls.append((text, current_app.name))

    assert note("direct") is None and calls == [("direct", app.name)]  # the function stays a function
    queue.init_app(app)  # an app that has one already keeps it
    bound = queue.queue(app).tasks["note"]
    assert bound.name == "note" and bound.retries == 3 and bound.retry_delay == 60
    queue.enqueue("note", "queued")  # the test configuration runs tasks inline
    assert calls[-1] == ("queued", app.name)


def test_create_app_sets_up_the_queue_and_the_schedule_area_registers_its_task_and_hook(app):
    queue = job_queue.queue(app)
    assert queue.backend == "immediate"
    assert SOLVE_RUN in queue.tasks
    assert reap_stale_runs in job_queue.startup_hooks
