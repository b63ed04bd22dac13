"""One active solver run per edition, held by the database: starts at the same moment make one run."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from festival.extensions import db
from festival.models import SolveRun, TimetableVersion
from festival.models.enums import RunStatus
from festival.schedule import adapter, runs
from tests.conftest import log_in

STARTS = 4


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_four_starts_at_the_same_moment_make_one_run_and_one_draft(app, tiny, monkeypatch):
    clients = [app.test_client() for _ in range(STARTS)]
    for client in clients:
        log_in(client, tiny["staff"])
    slug = tiny["edition"].slug
    # Each start finds no active run, then waits here until every other one has found none either:
    # only the database can stop the second insert.
    all_checked = threading.Barrier(STARTS, timeout=30)
    build = adapter.instance_for

    def after_everyone_checked(*args, **kwargs):
        all_checked.wait()
        return build(*args, **kwargs)

    monkeypatch.setattr(adapter, "instance_for", after_everyone_checked)
    answers: list = []
    errors: list[BaseException] = []
    # The start that got its run in hands it to the (inline) job queue only once the others have answered:
    # else, on a loaded machine, its run could end before a slower start inserts, and that later run would
    # rightly be allowed (the database holds one *active* run per edition, not one run ever).
    queue = runs.enqueue
    others_answered = threading.Event()

    def after_the_others_answered(run):
        others_answered.wait(60)
        return queue(run)

    monkeypatch.setattr(runs, "enqueue", after_the_others_answered)

    def start(client) -> None:
        try:
            with app.app_context():  # a session of its own, as a request of another worker has
                response = client.post(
                    f"/staff/timetable/runs?edition={slug}",
                    data={"time_limit": "1", "keep_pins": "y", "base_version": "0"},
                )
                answers.append((response.status_code, response.headers.get("Location", "")))
                if len(answers) == STARTS - 1:
                    others_answered.set()
        except BaseException as exc:  # reported below
            errors.append(exc)

    db.session.remove()  # the threads read committed rows through their own sessions
    threads = [threading.Thread(target=start, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert [status for status, _ in answers] == [303] * STARTS, answers
    run = db.session.scalars(sa.select(SolveRun)).one()
    # every start went to the progress page of the one run
    assert {location.rsplit("/", 1)[-1] for _, location in answers} == {str(run.id)}
    assert run.status == RunStatus.FINISHED, run.error
    assert _count(TimetableVersion, TimetableVersion.source_run_id.is_not(None)) == 1


def test_the_database_refuses_a_second_active_run_of_an_edition(app, tiny):
    first = runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    db.session.commit()
    db.session.add(SolveRun(edition_id=tiny["edition"].id, status=RunStatus.QUEUED, progress={}))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # an ended run frees the edition: the next one may start
    assert runs.transition(first.id, RunStatus.STOPPED)
    second = runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    db.session.commit()
    assert runs.active_run(tiny["edition"]).id == second.id


def test_a_start_that_loses_the_race_answers_with_the_run_that_won(app, tiny, monkeypatch):
    winner = runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    db.session.commit()
    monkeypatch.setattr(runs, "active_run", lambda edition: None)  # as if checked before the winner's insert
    with pytest.raises(runs.RunAlreadyActive) as refused:
        runs.start_run(tiny["edition"], actor=tiny["staff"], time_limit=5)
    assert refused.value.run.id == winner.id
    assert _count(SolveRun) == 1
