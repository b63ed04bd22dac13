"""Solver runs: start one, run it in a background worker with live progress, stop it, reap dead ones.

The state machine of a SolveRun (``transition`` is its only writer of ``status``)::

    queued  -> running | stopped (cancelled before a worker took it) | failed (could not be queued)
    running -> finished | stopped (Stop pressed, best timetable kept) | failed (error, or worker died)

Status changes are compare-and-set UPDATEs in their own short transactions, so a web request, the
worker that runs the task and the reaper can never overwrite each other's outcome, across processes
and machines. The worker writes progress and a heartbeat about once a second; a run whose heartbeat is
older than ``RUN_STALE_AFTER_SECONDS`` (or that runs far beyond its time limit) is reaped as failed.
A run only ever creates a NEW draft timetable version; published versions are never written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

import scheduler
from festival.audit import record
from festival.errors import InvalidInput, InvalidTransition
from festival.extensions import db, job_queue
from festival.jobs import worker_id, worker_is_gone
from festival.labels import FORMAT_LABELS, label_of
from festival.models import Edition, SolveRun, TimetableVersion, User
from festival.models.enums import RunStatus, VersionStatus
from festival.models.types import utcnow
from festival.schedule import adapter, parts
from festival.schedule.demand import CURATORS, popularity_for
from festival.schedule.problems import Namer, Problem, shortfall_words
from scheduler import relative_gap
from scheduler import solve as solve_instance

log = logging.getLogger("festival.schedule.runs")

TIME_LIMIT_MIN = 1
TIME_LIMIT_MAX = 600
TIME_LIMIT_DEFAULT = 60
ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
SOLVE_RUN = "solve_run"  # the job-queue task that executes a run (festival.schedule.tasks)
DRAFT, SCENARIO = "draft", "scenario"  # a run's purpose: its result is a new draft, or a scenario's version
TERMINAL = (RunStatus.FINISHED, RunStatus.STOPPED, RunStatus.FAILED)

# to-status -> the statuses it may come from
ALLOWED: dict[RunStatus, tuple[RunStatus, ...]] = {
    RunStatus.RUNNING: (RunStatus.QUEUED,),
    RunStatus.FINISHED: (RunStatus.RUNNING,),
    RunStatus.STOPPED: (RunStatus.QUEUED, RunStatus.RUNNING),
    RunStatus.FAILED: (RunStatus.QUEUED, RunStatus.RUNNING),
}


ON_RESULT = "festival.on_run_result"


def on_result(app, listener: Callable[[SolveRun, TimetableVersion], None]) -> None:
    """Call ``listener(run, version)`` in the transaction that stores a run's result version (an area that
    starts runs of its own purpose links the version to its rows: festival.schedule.scenarios)."""
    app.extensions.setdefault(ON_RESULT, []).append(listener)


class InvalidResult(RuntimeError):
    """The solver returned a timetable that breaks the rules (never stored)."""


class RunAlreadyActive(InvalidTransition):
    """Another run of the same edition is queued or running (``run``; or, when two started at the same
    moment and the other has ended already, that run)."""

    def __init__(self, run: SolveRun):
        super().__init__(_l("Run #%(id)s is still in progress for this edition.", id=run.id))
        self.run = run


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


# ---------------------------------------------------------------- the transition function


def transition(run_id: int, to: RunStatus, *, where: tuple = (), **values: Any) -> bool:
    """Move a run to ``to`` if its current status allows it (and the extra ``where`` clauses hold).

    Runs in its own short transaction (committed at once, visible to every process) and returns
    whether the row changed. Side effects: sets ``finished_at`` on terminal statuses unless given."""
    if to in TERMINAL:
        values.setdefault("finished_at", utcnow())
    stmt = (
        sa.update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status.in_(ALLOWED[to]), *where)
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    )
    with db.engine.begin() as conn:
        changed = conn.execute(stmt).rowcount == 1
    if changed:
        log.info("run %s -> %s", run_id, to.value)
    return changed


# ---------------------------------------------------------------- reads


def get_run(run_id: int) -> SolveRun | None:
    """A run by id, freshly read (other processes change runs)."""
    run = db.session.get(SolveRun, run_id)
    if run is not None:
        db.session.refresh(run)
    return run


def edition_runs(edition: Edition, limit: int = 50) -> list[SolveRun]:
    """The edition's runs, newest first."""
    stmt = (
        sa.select(SolveRun)
        .where(SolveRun.edition_id == edition.id)
        .order_by(SolveRun.id.desc())
        .limit(limit)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(stmt))


def active_run(edition: Edition) -> SolveRun | None:
    """The edition's queued or running run, if any (at most one: the database holds it to that)."""
    stmt = sa.select(SolveRun).where(SolveRun.edition_id == edition.id, SolveRun.status.in_(ACTIVE))
    return db.session.scalars(stmt.order_by(SolveRun.id.desc()).limit(1)).first()


def latest_run(edition: Edition) -> SolveRun | None:
    """The edition's newest run, whatever its status."""
    stmt = sa.select(SolveRun).where(SolveRun.edition_id == edition.id)
    return db.session.scalars(stmt.order_by(SolveRun.id.desc()).limit(1)).first()


# ---------------------------------------------------------------- start, stop, reap


def start_run(
    edition: Edition,
    *,
    actor: User | None,
    time_limit: int = TIME_LIMIT_DEFAULT,
    keep_pins: bool = True,
    base_version: TimetableVersion | None = None,
    demand: str = CURATORS,
    purpose: str = DRAFT,
    adjust: Callable[[dict], dict] | None = None,
) -> SolveRun:
    """Create a queued run with its instance built from the database (flushes; enqueue after commit).
    ``demand`` names where the films' expected audience comes from (festival.schedule.demand).
    ``purpose`` SCENARIO makes the result a version with status ``scenario`` instead of a draft;
    ``adjust`` changes the built instance before it is checked and stored (a scenario's changes).

    Raises RunAlreadyActive, InvalidInput (bad time limit, nothing to schedule) and
    adapter.InstanceBuildError (the database holds something the solver rejects)."""
    if not TIME_LIMIT_MIN <= time_limit <= TIME_LIMIT_MAX:
        raise InvalidInput(
            _l(
                "The time limit must be between %(lo)s and %(hi)s seconds.",
                lo=TIME_LIMIT_MIN,
                hi=TIME_LIMIT_MAX,
            )
        )
    if base_version is not None and base_version.edition_id != edition.id:
        raise InvalidInput(_l("That timetable version belongs to another edition."))
    reap_stale_runs()
    running = active_run(edition)
    if running is not None:
        raise RunAlreadyActive(running)
    popularity = popularity_for(edition, demand)
    data, instance = adapter.instance_for(
        edition, base_version=base_version, keep_pins=keep_pins, popularity=popularity
    )
    if adjust is not None:
        data = adjust(data)
        instance = adapter.parse(data)
    if not instance.films:
        raise InvalidInput(_l("There are no accepted films with screening counts to schedule yet."))
    if not instance.theaters:
        raise InvalidInput(_l("Add a venue with at least one theater before generating a timetable."))
    if base_version is None and keep_pins:
        base_version = adapter.pin_source(edition)
    run = SolveRun(
        edition_id=edition.id,
        status=RunStatus.QUEUED,
        time_limit_seconds=time_limit,
        keep_pins=keep_pins,
        demand_source=demand,
        purpose=purpose,
        move_cost=instance.weights.change_penalty,
        base_version_id=base_version.id if base_version is not None else None,
        instance_json=json.dumps(data, ensure_ascii=False, indent=1),
        progress={},
        created_by_id=actor.id if actor else None,
    )
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        # Another start of this edition inserted its run between our check and our insert: the partial
        # unique index (models.schedule.SolveRun) refuses a second active run. The failed insert ends the
        # transaction (PostgreSQL refuses every later statement of it), so it is rolled back here.
        db.session.rollback()
        other = active_run(edition) or latest_run(edition)
        if other is None:  # not the index: nothing of this edition was inserted meanwhile
            raise
        raise RunAlreadyActive(other) from None
    started = {"time_limit": time_limit, "keep_pins": keep_pins, "demand": demand, "purpose": purpose}
    record(run, actor=actor, action="solve_run.start", new=started)
    return run


def enqueue(run: SolveRun) -> bool:
    """Hand a committed queued run to the job queue; if the queue refuses, mark the run failed."""
    refused = job_queue.offer(SOLVE_RUN, run.id)
    if refused is not None:  # the queue's storage is down (Redis unreachable, disk full, ...)
        transition(run.id, RunStatus.FAILED, error=f"Could not queue the run: {refused}")
    return refused is None


def request_stop(run: SolveRun, *, actor: User | None) -> SolveRun:
    """Stop a run: a queued one is cancelled at once, a running one ends its search and keeps its best.

    Raises InvalidTransition when the run has already ended."""
    if run.status == RunStatus.QUEUED and transition(run.id, RunStatus.STOPPED, stop_requested=True):
        pass
    else:
        stmt = (
            sa.update(SolveRun)
            .where(SolveRun.id == run.id, SolveRun.status == RunStatus.RUNNING)
            .values(stop_requested=True)
            .execution_options(synchronize_session=False)
        )
        with db.engine.begin() as conn:
            if conn.execute(stmt).rowcount != 1:
                db.session.refresh(run)
                raise InvalidTransition(_l("This run has already ended."))
    db.session.refresh(run)
    record(run, actor=actor, action="solve_run.stop")
    return run


def reap_stale_runs(now: datetime | None = None) -> int:
    """Mark failed every running run whose worker died (process gone on this host, or stale heartbeat)
    or that overran its time limit; returns how many.

    Called when runs are listed or polled and when a worker starts."""
    now = now or utcnow()
    stale_after = timedelta(seconds=_setting("RUN_STALE_AFTER_SECONDS", 30))
    grace = _setting("RUN_GRACE_SECONDS", 120)
    stmt = sa.select(
        SolveRun.id, SolveRun.started_at, SolveRun.heartbeat_at, SolveRun.time_limit_seconds, SolveRun.worker
    ).where(SolveRun.status == RunStatus.RUNNING)
    reaped = 0
    for run_id, started, heartbeat, limit, worker in db.session.execute(stmt).all():
        last = heartbeat or started or now
        if worker_is_gone(worker):
            message = (
                f"The worker process {worker} is gone: it crashed or was killed. "
                "Nothing was stored; the published timetable is unchanged."
            )
            clause = ()
        elif last < now - stale_after:
            message = (
                f"The worker stopped responding (no heartbeat since {last.isoformat(timespec='seconds')}): "
                "it crashed or was killed. Nothing was stored; the published timetable is unchanged."
            )
            clause = (sa.or_(SolveRun.heartbeat_at.is_(None), SolveRun.heartbeat_at <= last),)
        elif started is not None and now > started + timedelta(seconds=limit + grace):
            message = (
                f"The run went on {int(grace)} s beyond its {limit} s time limit and was abandoned. "
                "Nothing was stored; the published timetable is unchanged."
            )
            clause = ()
        else:
            continue
        if transition(run_id, RunStatus.FAILED, where=clause, error=message):
            reaped += 1
    return reaped


# ---------------------------------------------------------------- the worker side


@dataclass
class _Latest:
    elapsed: float = 0.0
    objective: int | None = None
    bound: int | None = None
    gap: float | None = None
    phase: str = "starting"
    formats: tuple[str, ...] = ()
    improvements: int = 0

    def as_dict(self) -> dict:
        return {
            "elapsed": round(self.elapsed, 1),
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "phase": self.phase,
            "formats": list(self.formats),
            "improvements": self.improvements,
        }


class Monitor:
    """Writes a run's progress and heartbeat about once a second and turns Stop into the solver's stop event.

    The solver's progress callback only stores the latest values in memory (it is called from the
    solver's threads and must be cheap); one thread of this class does every database write."""

    def __init__(self, engine: sa.Engine, run_id: int, interval: float, shutting_down: threading.Event):
        self.engine, self.run_id, self.interval = engine, run_id, interval
        self.shutting_down = shutting_down
        self.stop_event = threading.Event()
        self.lost = threading.Event()  # the run is no longer ours (reaped or changed elsewhere)
        self.latest = _Latest()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=f"run-{run_id}-monitor", daemon=True)

    def on_progress(self, p: scheduler.Progress) -> None:
        """The solver's progress callback."""
        with self._lock:
            latest = self.latest
            latest.elapsed = p.elapsed if p.phase == "done" else max(latest.elapsed, p.elapsed)
            latest.phase, latest.formats = p.phase, p.formats
            if p.objective is not None and (latest.objective is None or p.objective > latest.objective):
                latest.objective = p.objective
                latest.improvements += 1
            if p.bound is not None:
                latest.bound = p.bound
            latest.gap = relative_gap(latest.objective, latest.bound)

    def start(self) -> None:
        self._started = time.monotonic()
        self._thread.start()

    def finish(self) -> None:
        """Stop the thread after one last write of the progress."""
        self._done.set()
        self._thread.join()

    def _loop(self) -> None:
        while True:
            done = self._done.wait(self.interval)
            try:
                self.beat()
            except Exception:  # a locked or unreachable database: try again next time
                log.warning("run %s: could not write progress", self.run_id, exc_info=True)
            if done:
                return

    def beat(self) -> None:
        """Write progress + heartbeat in one short transaction and read the stop flag."""
        with self._lock:
            # the clock keeps moving between the solver's reports (a long phase may report rarely)
            if self.latest.phase != "done":
                self.latest.elapsed = max(self.latest.elapsed or 0.0, time.monotonic() - self._started)
            progress = self.latest.as_dict()
        if self.shutting_down.is_set():
            self.stop_event.set()
            progress["shutdown"] = True
        with self.engine.begin() as conn:
            changed = conn.execute(
                sa.update(SolveRun)
                .where(SolveRun.id == self.run_id, SolveRun.status == RunStatus.RUNNING)
                .values(progress=progress, heartbeat_at=utcnow())
            ).rowcount
            stop = conn.execute(sa.select(SolveRun.stop_requested).where(SolveRun.id == self.run_id)).scalar()
        if stop:
            self.stop_event.set()
        if changed != 1:
            self.lost.set()
            self.stop_event.set()


def execute_run(run_id: int) -> RunStatus | None:
    """The job: solve a queued run, validate the result and store it as a new draft version.

    Returns the run's final status (None when the run was not queued any more, e.g. cancelled).
    Every exception ends the run as failed with its text; nothing half-written stays behind."""
    started = utcnow()
    if not transition(
        run_id, RunStatus.RUNNING, started_at=started, heartbeat_at=started, worker=worker_id()
    ):
        log.info("run %s is not queued any more: skipped", run_id)
        return None
    shutting_down = job_queue.queue().shutting_down
    monitor = Monitor(db.engine, run_id, _setting("RUN_HEARTBEAT_SECONDS", 1.0), shutting_down)
    monitor.start()
    try:
        run = get_run(run_id)
        instance_data, time_limit = json.loads(run.instance_json), float(run.time_limit_seconds)
        db.session.rollback()  # hold no transaction open while the solver works
        instance = adapter.parse(instance_data)
        if parts.enabled(instance):  # its independent parts on other workers of the queue
            schedule = parts.solve_in_parts(
                instance,
                run_id=run_id,
                time_limit=time_limit,
                on_progress=monitor.on_progress,
                stop_event=monitor.stop_event,
            )
        else:
            schedule = solve_instance(
                instance,
                time_limit=time_limit,
                workers=int(_setting("RUN_SOLVER_WORKERS", 2)),
                on_progress=monitor.on_progress,
                stop_event=monitor.stop_event,
            )
        schedule_json = scheduler.schedule_to_json(schedule)
        usable = schedule.status in ("optimal", "feasible")
        if usable:
            report = scheduler.check_json(instance, schedule_json)
            if not report.valid:
                lines = "\n".join(v.message for v in report.violations[:20])
                raise InvalidResult(
                    f"The solver returned a timetable that breaks the rules; it was not stored:\n{lines}"
                )
        monitor.on_progress(
            scheduler.Progress(schedule.solve_seconds, schedule.objective, schedule.bound, None, "done")
        )
    except Exception as exc:
        monitor.finish()
        db.session.rollback()
        log.exception("run %s failed", run_id)
        transition(
            run_id, RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", progress=monitor.latest.as_dict()
        )
        return RunStatus.FAILED
    monitor.finish()
    if monitor.lost.is_set():
        log.warning("run %s was taken away (reaped?) while solving: result discarded", run_id)
        return None
    stopped = monitor.stop_event.is_set()
    try:
        return _store_result(run_id, instance, schedule, schedule_json, stopped, monitor, usable)
    except Exception as exc:
        db.session.rollback()
        log.exception("run %s: storing the result failed", run_id)
        transition(run_id, RunStatus.FAILED, error=f"Storing the result failed: {type(exc).__name__}: {exc}")
        return RunStatus.FAILED


def _store_result(run_id, instance, schedule, schedule_json, stopped, monitor, usable) -> RunStatus | None:
    """In one transaction: end the run (if still running) and add its draft version with screenings."""
    to = RunStatus.STOPPED if stopped else RunStatus.FINISHED
    progress = monitor.latest.as_dict()
    if monitor.stop_event.is_set() and monitor.shutting_down.is_set():
        progress["shutdown"] = True
    changed = db.session.execute(
        sa.update(SolveRun)
        .where(SolveRun.id == run_id, SolveRun.status.in_(ALLOWED[to]))
        .values(
            status=to,
            finished_at=utcnow(),
            schedule_json=json.dumps(schedule_json, ensure_ascii=False, indent=1),
            objective=schedule.objective,
            bound=schedule.bound,
            solver_status=schedule.status,
            progress=progress,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        log.warning("run %s ended elsewhere before its result was stored: discarded", run_id)
        return None
    run = get_run(run_id)
    if usable:
        edition = db.session.get(Edition, run.edition_id)
        version = TimetableVersion(
            edition_id=edition.id,
            status=VersionStatus.SCENARIO if run.purpose == SCENARIO else VersionStatus.DRAFT,
            label=None,  # shown as "from solver run #N" (source_run_id) in the viewer's language
            based_on_id=run.base_version_id,
            source_run_id=run.id,
            created_by_id=run.created_by_id,
        )
        db.session.add(version)
        db.session.flush()
        adapter.apply_schedule(edition, schedule_json, version=version, instance=instance)
        run.result_version_id = version.id
        for listener in current_app.extensions.get(ON_RESULT, []):
            listener(run, version)
    db.session.commit()
    log.info("run %s %s: %s, objective %s", run_id, to.value, schedule.status, schedule.objective)
    return to


# ---------------------------------------------------------------- views of a run


def run_schedule(run: SolveRun) -> dict | None:
    """The run's stored schedule JSON, decoded."""
    return json.loads(run.schedule_json) if run.schedule_json else None


def pin_problems(run: SolveRun) -> list[Problem]:
    """Why the run's pinned screenings cannot all hold, in words: the validator's verdict on the pins alone
    (the solver's explain names the same pins and rules; the validator's values can be worded)."""
    if not (run_schedule(run) or {}).get("conflicts"):
        return []
    instance = adapter.parse(json.loads(run.instance_json))
    namer = Namer.for_edition(db.session.get(Edition, run.edition_id))
    return [namer.problem(v) for v in scheduler.check_screenings(instance, instance.fixed).violations]


SHORTFALL_WORDS_SECONDS = 2.0  # the explainer's budget for saying a run's shortfalls in words


def shortfall_rows(run: SolveRun) -> list[dict]:
    """The schedule's shortfalls, each with the film's title and format in the reader's language, its
    minimum, how many are missing and why in words (the explainer's ``why`` on the run's instance, worded
    by ``problems.shortfall_words``; the solver's English reason when it cannot be worked out in time)."""
    items = (run_schedule(run) or {}).get("shortfalls", [])
    if not items:
        return []
    instance = adapter.parse(json.loads(run.instance_json))
    namer = Namer.for_edition(db.session.get(Edition, run.edition_id))
    explainer = scheduler.Explainer(instance, scheduler.Budget.after(SHORTFALL_WORDS_SECONDS))
    rows = []
    for item in items:
        film = instance.film_by_id.get(item.get("film"))
        missing = item.get("missing") or 0
        reason = item.get("reason")
        # out of time, the solver's own words stored with the run stay
        with contextlib.suppress(scheduler.OutOfTime):
            if film is not None:
                reason = shortfall_words(namer, explainer.why(film, max(0, film.min_screenings - missing)))
        fmt = film.format if film is not None else None
        rows.append(
            {
                "film": item.get("film"),
                "entry_id": adapter.entry_id_of(item.get("film", "")),
                "title": namer.film(item.get("film", "")),
                "format": fmt,
                "format_label": label_of(FORMAT_LABELS, fmt),
                "minimum": film.min_screenings if film is not None else None,
                "missing": missing,
                "reason": reason,
            }
        )
    return rows


def progress_of(run: SolveRun, now: datetime | None = None) -> dict:
    """What every viewer of a run sees (the progress.json payload), computed the same for all."""
    now = now or utcnow()
    p = dict(run.progress or {})
    if run.status == RunStatus.RUNNING and run.started_at is not None:
        elapsed = (now - run.started_at).total_seconds()
    elif run.started_at is not None and run.finished_at is not None:
        elapsed = (run.finished_at - run.started_at).total_seconds()
    else:
        elapsed = 0.0
    objective = run.objective if run.objective is not None else p.get("objective")
    bound = run.bound if run.bound is not None else p.get("bound")
    gap = relative_gap(objective, bound)
    return {
        "id": run.id,
        "status": run.status.value,
        "active": run.status in ACTIVE,
        "stop_requested": run.stop_requested,
        "elapsed": round(max(0.0, elapsed), 1),
        "time_limit": run.time_limit_seconds,
        "objective": objective,
        "bound": bound,
        "gap": gap,
        "gap_percent": None if gap is None else round(100 * gap, 2),
        "closed_percent": None if gap is None else round(100 * (1 - min(1.0, gap)), 1),
        "phase": p.get("phase"),
        "phase_label": phase_label(p.get("phase"), p.get("formats")),
        "improvements": p.get("improvements", 0),
        "solver_status": run.solver_status,
        "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
        "error": run.error,
    }


STATUS_LABELS = {
    RunStatus.QUEUED.value: _l("queued"),
    RunStatus.RUNNING.value: _l("running"),
    RunStatus.FINISHED.value: _l("finished"),
    RunStatus.STOPPED.value: _l("stopped"),
    RunStatus.FAILED.value: _l("failed"),
}
SOLVER_STATUS_LABELS = {
    "optimal": _l("optimal (proved best)"),
    "feasible": _l("valid, not proved optimal"),
    "infeasible": _l("impossible: the pinned screenings conflict"),
    "unknown": _l("no timetable found in the time given"),
}


PHASE_LABELS = {
    "starting": _l("Starting the solver"),
    "first timetable": _l("Building a first timetable"),
    "bounding": _l("Proving how good a timetable can be"),
    "improving": _l("Improving the timetable"),
    "polishing": _l("Polishing the timetable"),
    "done": _l("Finished"),
    "infeasible": _l("The pinned screenings cannot all hold"),
}


def phase_label(phase: str | None, formats: list[str] | None = None) -> str | None:
    """What the solver is doing, in the viewer's language, with the theaters it works on when it says
    (the solver's phases are scheduler.PHASES; ``formats`` are the film formats of those theaters)."""
    if phase is None:
        return None
    theaters = ", ".join(label_of(FORMAT_LABELS, f) for f in formats or [])
    if theaters and phase == "bounding":
        return _("Proving how good a timetable of the %(formats)s theaters can be", formats=theaters)
    if theaters and phase == "improving":
        return _("Improving the timetable of the %(formats)s theaters", formats=theaters)
    if theaters and phase == "polishing":
        return _("Polishing the timetable of the %(formats)s theaters", formats=theaters)
    return str(PHASE_LABELS.get(phase, phase))


def gap_of(run: SolveRun) -> float | None:
    """The relative gap between a run's objective and bound (0 = proved optimal)."""
    return relative_gap(run.objective, run.bound)
