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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer
from huey.exceptions import RetryTask

log = logging.getLogger("festival.jobs")
QUEUE_NAME = "festival"
EXTENSION = "festival.jobs"
SHUTDOWN_GRACE_SECONDS = 30


class RetryLater(RetryTask):
    """Raised by a task to be run again in ``delay`` seconds, whatever its ``retries`` say: for a task that
    keeps its own count of tries (and its backoff) in the database, e.g. ``send_mail``."""

    def __init__(self, delay: float, reason: str = "") -> None:
        super().__init__(reason or f"retry in {delay} s", delay=delay)


@dataclass(frozen=True)
class TaskSpec:
    """A task an area registered: its function, name and retry policy."""

    name: str
    function: Callable[..., object]
    retries: int = 0
    retry_delay: int = 0


@dataclass
class AppQueue:
    """One app's queue: its huey object, the tasks bound to it (by name) and its shutdown flag."""

    huey: Huey
    backend: str
    tasks: dict = field(default_factory=dict)
    # Set while this process's consumer shuts down: running tasks end early and keep what they have.
    shutting_down: threading.Event = field(default_factory=threading.Event)

    def enqueue(self, name: str, *args) -> None:
        """Queue a task by name (runs inline in immediate mode); raises what the storage raises."""
        self.tasks[name](*args)


class JobQueue:
    """The job queue as an extension: created unbound in festival.extensions, set up by ``create_app``
    (``init_app``); areas register their tasks and worker-start hooks with it, and it imports no area.

    ``@jobs.task("send_mail", retries=3, retry_delay=60)`` registers a function; ``jobs.enqueue(name,
    *args)`` queues a call. A task runs in a fresh app context of the app that queued it (its own
    database session)."""

    def __init__(self) -> None:
        self.specs: dict[str, TaskSpec] = {}
        self.startup_hooks: list[Callable[[], object]] = []

    def task(self, name: str, *, retries: int = 0, retry_delay: int = 0):
        """Decorator: register ``function`` as the task ``name`` (retried ``retries`` times, ``retry_delay``
        seconds apart, when it raises)."""

        def register(function: Callable[..., object]) -> Callable[..., object]:
            self.specs[name] = TaskSpec(name, function, retries, retry_delay)
            return function

        return register

    def on_worker_start(self, hook: Callable[[], object]) -> Callable[[], object]:
        """Run ``hook`` in an app context whenever a consumer starts (to reap what a dead worker left)."""
        self.startup_hooks.append(hook)
        return hook

    def init_app(self, app: Flask) -> AppQueue:
        """Create the app's queue and, for the embedded backend, the worker starter."""
        if EXTENSION in app.extensions:
            return app.extensions[EXTENSION]
        huey, backend = make_huey(app)
        queue = AppQueue(huey, backend)
        app.extensions[EXTENSION] = queue
        if backend == "sqlite":
            app.extensions["festival.start_embedded_worker"] = self.start_consumer
        return queue

    def queue(self, app: Flask | None = None) -> AppQueue:
        """The queue of the given (or current) app, with every registered task bound to it."""
        app = app or current_app._get_current_object()
        queue: AppQueue = app.extensions[EXTENSION]
        for spec in self.specs.values():
            if spec.name not in queue.tasks:
                queue.tasks[spec.name] = _bind(app, queue.huey, spec)
        return queue

    def enqueue(self, name: str, *args) -> None:
        """Queue a call of the task ``name`` in the current app's queue (inline in immediate mode)."""
        self.queue().enqueue(name, *args)

    def offer(self, name: str, *args) -> Exception | None:
        """Queue a call as ``enqueue`` does, but return the storage's refusal (Redis unreachable, a full
        disk; logged) instead of raising it, for the caller to record on the job's row."""
        try:
            self.enqueue(name, *args)
        except Exception as exc:
            log.exception("could not queue %s%r", name, args)
            return exc
        return None

    def worker_started(self, app: Flask) -> None:
        """Run the worker-start hooks in an app context of ``app``."""
        with app.app_context():
            for hook in self.startup_hooks:
                hook()

    def start_consumer(self, app: Flask, workers: int | None = None) -> Consumer:
        """Start worker threads consuming the app's queue in this process; returns the consumer (stop())."""
        queue = self.queue(app)
        consumer = EmbeddedConsumer(
            queue,
            workers=workers or int(app.config.get("JOB_QUEUE_WORKERS", 1)),
            periodic=False,
            max_delay=1.0,
            worker_type="thread",
            shutdown_timeout=SHUTDOWN_GRACE_SECONDS,
        )
        self.worker_started(app)
        consumer.start()
        log.info("embedded %s job worker started (%s)", queue.backend, queue_file(app))
        return consumer


def _bind(app: Flask, huey: Huey, spec: TaskSpec):
    """The huey task that runs ``spec`` in a fresh app context of ``app``."""

    def run(*args) -> None:
        with app.app_context():
            spec.function(*args)

    run.__name__ = run.__qualname__ = spec.name
    return huey.task(name=spec.name, retries=spec.retries, retry_delay=spec.retry_delay)(run)


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


class FestivalConsumer(Consumer):
    """A huey consumer whose shutdown asks running tasks to finish early (a solver run keeps its best)."""

    def __init__(self, queue: AppQueue, **options) -> None:
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
