"""The background job queue (huey).

* Embedded default: a ``SqliteHuey`` whose file lives in the instance folder; ``python -m festival.serve``
  consumes it with worker threads inside the server process (no other server needed).
* ``REDIS_URL`` set: a ``RedisHuey``; ``scripts/worker`` runs consumers, possibly on other machines.
* ``JOB_QUEUE_IMMEDIATE`` (the test configuration): tasks run inline in the caller's thread.

Every app gets its own huey object and its tasks are bound to that app: a task pushes a fresh
app context for each call, so it has its own database session. The state of a job lives in the
database (e.g. ``SolveRun``), never only in the queue.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

log = logging.getLogger("festival.jobs")
QUEUE_NAME = "festival"
EXTENSION = "festival.jobs"
SHUTDOWN_GRACE_SECONDS = 30


@dataclass
class JobQueue:
    """The app's queue and its registered tasks (by name)."""

    huey: Huey
    backend: str
    tasks: dict = field(default_factory=dict)
    # Set while this process's consumer shuts down: running tasks end early and keep what they have.
    shutting_down: threading.Event = field(default_factory=threading.Event)

    def enqueue(self, name: str, *args) -> None:
        """Queue a task by name (runs inline in immediate mode); raises what the storage raises."""
        self.tasks[name](*args)


def queue_file(app: Flask) -> str:
    """Path of the embedded queue's SQLite file (``JOB_QUEUE_PATH`` or instance/jobs.sqlite3)."""
    configured = app.config.get("JOB_QUEUE_PATH") or os.environ.get("JOB_QUEUE_PATH")
    return str(configured or Path(app.instance_path) / "jobs.sqlite3")


def make_huey(app: Flask) -> tuple[Huey, str]:
    """The huey object the app's configuration asks for, and the backend's name."""
    if app.config.get("JOB_QUEUE_IMMEDIATE"):  # tests: run inline, keep nothing on disk or in Redis
        return MemoryHuey(QUEUE_NAME, results=False, immediate=True), "immediate"
    url = app.config.get("REDIS_URL")
    if url:
        return RedisHuey(QUEUE_NAME, url=url, results=False), "redis"
    return SqliteHuey(QUEUE_NAME, filename=queue_file(app), results=False), "sqlite"


def worker_id() -> str:
    """Who runs a task: host, process and thread (shown on the run page)."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.current_thread().name}"


def worker_is_gone(worker: str | None) -> bool:
    """True when a worker id names a process of this host that no longer exists (other hosts: unknown)."""
    host, _sep, rest = (worker or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # exists, owned by someone else
        return False
    return False


def _register_tasks(app: Flask, queue: JobQueue) -> None:
    def solve_run(run_id: int) -> None:
        """Run the solver for one SolveRun (its state and result are written to the database)."""
        from festival.schedule.runs import execute_run

        with app.app_context():
            execute_run(run_id)

    queue.tasks["solve_run"] = queue.huey.task(name="solve_run")(solve_run)


class FestivalConsumer(Consumer):
    """A huey consumer whose shutdown asks running tasks to finish early (a solver run keeps its best)."""

    def __init__(self, queue: JobQueue, **options) -> None:
        self.queue = queue
        super().__init__(queue.huey, **options)

    def start(self) -> None:
        self.queue.shutting_down.clear()
        super().start()

    def stop(self, graceful: bool = False) -> None:
        self.queue.shutting_down.set()
        super().stop(graceful=True)


class EmbeddedConsumer(FestivalConsumer):
    """A consumer that runs inside another program: no signal handlers of its own."""

    def _set_signal_handlers(self) -> None:  # the host program (the web server) keeps Ctrl-C
        return None


def start_consumer(app: Flask, workers: int | None = None) -> Consumer:
    """Start worker threads consuming the app's queue in this process; returns the consumer (stop())."""
    queue = get_queue(app)
    consumer = EmbeddedConsumer(
        queue,
        workers=workers or int(app.config.get("JOB_QUEUE_WORKERS", 1)),
        periodic=False,
        max_delay=1.0,
        worker_type="thread",
        shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
    )
    with app.app_context():
        from festival.schedule.runs import reap_stale_runs

        reap_stale_runs()
    consumer.start()
    log.info("embedded %s job worker started (%s)", queue.backend, queue_file(app))
    return consumer


def init_jobs(app: Flask) -> JobQueue:
    """Create the app's queue, register its tasks and, for the embedded backend, the worker starter."""
    if EXTENSION in app.extensions:
        return app.extensions[EXTENSION]
    huey, backend = make_huey(app)
    queue = JobQueue(huey, backend)
    _register_tasks(app, queue)
    app.extensions[EXTENSION] = queue
    if backend == "sqlite":
        app.extensions["festival.start_embedded_worker"] = start_consumer
    return queue


def get_queue(app: Flask | None = None) -> JobQueue:
    """The queue of the given (or current) app."""
    return (app or current_app).extensions[EXTENSION]
