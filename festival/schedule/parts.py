"""A solver run fanned out over the job queue: the independent parts of the edition's instance
(``scheduler.split``) each solved by a task of its own, on whichever worker of the queue takes it (with
Redis, workers on any number of machines), and merged and checked as one timetable (``scheduler.merge``)
by the run's own task.

On when ``RUN_PART_TASKS`` is set (docs/solver-runs.md): the embedded queue has one worker thread, which the
run's task holds while it waits for its parts. The run's task queues every part but the largest, solves
that one itself, then collects the others' results until its time limit plus ``RUN_PART_WAIT_SECONDS``;
a part that did not report by then keeps only its pins and leaves the bound unknown (``scheduler.merge``).
Each part task writes its progress (about once a second) and its result into the queue's key-value
storage under the run's id; the run's progress sums the parts' objectives and bounds, and names the step
of the part that reported last. Stop reaches the parts through the run's ``stop_requested`` flag, which
each part reads from the database about once a second.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

import scheduler
from festival.extensions import db, job_queue
from festival.jobs import worker_id
from festival.models import SolveRun
from festival.models.enums import RunStatus
from festival.schedule import adapter

log = logging.getLogger("festival.schedule.parts")

PART_TASK = "solve_run_part"  # the job-queue task that solves one part of a run (festival.schedule.tasks)
REPORT_SECONDS = 1.0  # a part writes its progress at most this often
POLL_SECONDS = 0.2  # the run's task looks for its parts' results this often


def enabled(instance: scheduler.Instance) -> bool:
    """Whether a run of this instance fans out: ``RUN_PART_TASKS`` set and more than one part."""
    return bool(current_app.config.get("RUN_PART_TASKS")) and len(scheduler.split(instance)) > 1


def _key(run_id: int, index: int, what: str) -> str:
    return f"festival:run:{run_id}:part:{index}:{what}"


def _workers() -> int:
    return int(current_app.config.get("RUN_SOLVER_WORKERS", 2))


def solve_part_task(run_id: int, index: int, time_limit: float) -> None:
    """The part task: solve part ``index`` of the run's instance; progress and result into the storage."""
    run = db.session.get(SolveRun, run_id)
    if run is None or run.status != RunStatus.RUNNING:
        return  # the run ended (stopped, failed, reaped) before this part started
    instance = adapter.parse(json.loads(run.instance_json))
    db.session.rollback()  # hold no transaction open while the solver works
    huey = job_queue.queue().huey
    part = scheduler.split(instance)[index]
    last = [0.0]

    def on_progress(p: scheduler.Progress) -> None:
        now = time.monotonic()
        if now - last[0] >= REPORT_SECONDS:
            last[0] = now
            huey.put(_key(run_id, index, "progress"), _progress_json(p))

    result = scheduler.solve_part(
        instance,
        part,
        time_limit=time_limit,
        workers=_workers(),
        on_progress=on_progress,
        should_stop=_stop_flag(run_id),
    )
    data = scheduler.part_result_to_json(result)
    data["worker"] = worker_id()
    huey.put(_key(run_id, index, "result"), data)
    log.info("run %s part %s: %s, objective %s", run_id, index, result.status, result.objective)


def _progress_json(p: scheduler.Progress) -> dict:
    return {"objective": p.objective, "bound": p.bound, "phase": p.phase, "formats": list(p.formats)}


def _stop_flag(run_id: int) -> Callable[[], bool]:
    """True once the run's Stop was pressed or the run ended; read from the database about once a second
    (its own connection: the solver calls it from its threads)."""
    engine = db.engine
    state = {"at": 0.0, "stop": False}
    lock = threading.Lock()

    def stop() -> bool:
        with lock:
            if not state["stop"] and time.monotonic() - state["at"] >= REPORT_SECONDS:
                state["at"] = time.monotonic()
                with engine.connect() as conn:
                    row = conn.execute(
                        sa.select(SolveRun.stop_requested, SolveRun.status).where(SolveRun.id == run_id)
                    ).first()
                state["stop"] = row is None or bool(row[0]) or row[1] != RunStatus.RUNNING
            return state["stop"]

    return stop


def solve_in_parts(
    instance: scheduler.Instance,
    *,
    run_id: int,
    time_limit: float,
    on_progress: Callable[[scheduler.Progress], None],
    stop_event: threading.Event,
) -> scheduler.Schedule:
    """The run's side: queue every part but the largest, solve that one here, collect the others'
    results and merge them into one checked schedule."""
    started = time.monotonic()
    parts = scheduler.split(instance)
    huey = job_queue.queue().huey
    keys = [_key(run_id, p.index, what) for p in parts for what in ("progress", "result")]
    for key in keys:  # nothing left from an earlier attempt of the same run
        huey.get(key)
    held = {f for p in parts for f in p.films}
    orphans = sum(
        instance.weights.shortfall_penalty * f.min_screenings for f in instance.films if f.id not in held
    )
    latest: dict[int, dict] = {}
    lock = threading.Lock()

    def report(index: int, data: dict) -> None:
        with lock:
            latest[index] = data
            values = [latest.get(p.index) for p in parts]
            objective = bound = None
            if all(v is not None and v["objective"] is not None for v in values):
                objective = sum(v["objective"] for v in values) - orphans
            if all(v is not None and v["bound"] is not None for v in values):
                bound = sum(v["bound"] for v in values) - orphans
            phase = data["phase"] if data["phase"] not in ("done", "infeasible") else "improving"
            on_progress(
                scheduler.Progress(
                    round(time.monotonic() - started, 3),
                    objective,
                    bound,
                    scheduler.relative_gap(objective, bound),
                    phase,
                    tuple(data["formats"]),
                )
            )

    queue = job_queue.queue()
    for p in parts[1:]:
        queue.enqueue(PART_TASK, run_id, p.index, time_limit)
    own = scheduler.solve_part(
        instance,
        parts[0],
        time_limit=time_limit,
        workers=_workers(),
        on_progress=lambda p: report(0, _progress_json(p)),
        stop_event=stop_event,
    )
    results = {0: own}
    report(0, {"objective": own.objective, "bound": own.bound, "phase": "improving", "formats": []})
    wait = float(current_app.config.get("RUN_PART_WAIT_SECONDS", 30))
    deadline = started + time_limit + wait
    while len(results) < len(parts) and time.monotonic() < deadline:
        for p in parts[1:]:
            if p.index in results:
                continue
            data = huey.get(_key(run_id, p.index, "result"), peek=True)
            if data is not None:
                results[p.index] = scheduler.part_result_from_json(data)
                log.info("run %s: part %s came back from %s", run_id, p.index, data.get("worker"))
                report(p.index, {"objective": data["objective"], "bound": data["bound"], "phase": "improving",
                                 "formats": []})  # fmt: skip
                continue
            progress = huey.get(_key(run_id, p.index, "progress"), peek=True)
            if progress is not None and progress != latest.get(p.index):
                report(p.index, progress)
        time.sleep(POLL_SECONDS)
    for key in keys:
        huey.get(key)
    missing = [p.index for p in parts if p.index not in results]
    if missing:
        log.warning("run %s: parts %s did not report in time; they keep their pins only", run_id, missing)
    return scheduler.merge(instance, list(results.values()), seconds=round(time.monotonic() - started, 3))
