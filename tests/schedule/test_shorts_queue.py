"""Proposing shorts programmes in the background: the proposal is a job-queue task (``propose_shorts``) on
the embedded SQLite queue consumed by worker threads and on Redis, its state and result kept on a
``ShortsProposal`` row and shown on the programmes page; one at a time per edition; a queue that cannot
take it fails it at once."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from festival.extensions import db, job_queue
from festival.models import ShortsProposal
from festival.schedule import shorts
from tests.schedule.test_queue import app_overrides  # noqa: F401 (the real queues' settings)


def _propose(client, edition):
    started = time.monotonic()
    response = client.post(f"/staff/timetable/shorts/propose?edition={edition.slug}")
    assert response.status_code == 303
    assert time.monotonic() - started < 5, "the request must not wait for the proposer"
    return db.session.scalars(sa.select(ShortsProposal).order_by(ShortsProposal.id.desc())).first()


def _state(client, proposal_id) -> dict:
    return client.get(f"/staff/timetable/shorts/proposals/{proposal_id}.json").get_json()


def _proposal_on_a_consumer(app, client, auth, fest):
    edition, f = fest["edition"], fest["films"]
    auth.login_as(fest["staff"])
    proposal = _propose(client, edition)
    assert _state(client, proposal.id) == {"status": "queued", "active": True}  # nobody consumes yet
    home = f"/staff/timetable/shorts?edition={edition.slug}"
    page = client.get(home).get_data(as_text=True)
    assert "Waiting for a worker of the job queue" in page and 'id="shorts-proposal"' in page
    assert shorts.programmes_of(edition) == []
    # a second press while it waits makes no second proposal
    again = client.post(f"/staff/timetable/shorts/propose?edition={edition.slug}", follow_redirects=True)
    assert "Programmes are being proposed for this edition already" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ShortsProposal)) == 1
    consumer = job_queue.start_consumer(app)
    try:
        deadline = time.monotonic() + 60
        while _state(client, proposal.id)["active"] and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        consumer.stop(graceful=True)
    assert _state(client, proposal.id) == {"status": "finished", "active": False}
    db.session.expire_all()
    done = db.session.get(ShortsProposal, proposal.id)
    assert "Worker-1" in done.worker and done.started_at is not None and done.finished_at is not None
    [programme] = shorts.programmes_of(edition)
    assert sorted(e.id for e in programme.films) == sorted([f["a"].id, f["zh"].id])
    assert done.result["programmes"] == [programme.id]
    page = client.get(home).get_data(as_text=True)
    assert "1 programme proposed." in page and "Shorts programme 1" in page
    assert 'id="shorts-proposal"' not in page  # nothing to wait for: the button is back
    assert "Propose programmes</button>" in page


def test_the_embedded_sqlite_queue_makes_the_proposal_in_a_worker_thread(app, client, auth, fest):
    assert job_queue.queue(app).backend == "sqlite"
    _proposal_on_a_consumer(app, client, auth, fest)


@pytest.mark.redis
def test_the_redis_queue_makes_the_proposal_in_a_consumer(app, client, auth, fest):
    queue = job_queue.queue(app)
    assert queue.backend == "redis"
    queue.huey.flush()
    _proposal_on_a_consumer(app, client, auth, fest)


@pytest.mark.parametrize(
    "app_overrides", [{"JOB_QUEUE_IMMEDIATE": False, "REDIS_URL": "redis://127.0.0.1:9/0"}]
)
def test_a_proposal_the_queue_cannot_take_fails_at_once_and_says_why(app, client, auth, fest):
    auth.login_as(fest["staff"])  # Redis is unreachable: nothing listens on port 9
    proposal = _propose(client, fest["edition"])
    assert _state(client, proposal.id) == {"status": "failed", "active": False}
    db.session.refresh(proposal)
    assert proposal.error.startswith("Could not queue the proposal")
    page = client.get(f"/staff/timetable/shorts?edition={fest['edition'].slug}").get_data(as_text=True)
    assert "failed; nothing of it was kept. Propose again." in page and "Could not queue the proposal" in page
    assert "Propose programmes</button>" in page  # and it can be proposed again


def test_a_second_proposal_is_refused_while_one_is_active(fest):
    edition = fest["edition"]
    first = shorts.start_proposal(edition, actor=fest["staff"])
    db.session.commit()
    with pytest.raises(shorts.ProposalActive):
        shorts.start_proposal(edition, actor=None)
    db.session.rollback()
    # the database holds the rule too: a second active row cannot be written
    db.session.add(ShortsProposal(edition_id=edition.id, status="running"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert shorts.execute_proposal(first.id) == "finished"
    assert shorts.execute_proposal(first.id) is None  # not queued any more: nothing done twice
    assert len(shorts.programmes_of(edition)) == 1
    assert isinstance(
        shorts.start_proposal(edition, actor=None), ShortsProposal
    )  # ended: a new one may start


def test_the_page_words_the_films_left_out_in_the_readers_language(client, auth, fest):
    edition, f = fest["edition"], fest["films"]
    shorts.update_settings(edition, threshold=50, minimum=60, maximum=75, gap=2)
    db.session.commit()
    auth.login_as(fest["staff"])
    proposal = _propose(client, edition)
    assert shorts.execute_proposal(proposal.id) == "finished"  # what the queue's worker runs
    db.session.refresh(proposal)
    assert {item["entry"] for item in proposal.result["left_out"]} >= {f["c"].id, f["d"].id}
    home = f"/staff/timetable/shorts?edition={edition.slug}"
    english = client.get(home).get_data(as_text=True)
    assert "“Film C” is in no programme:" in english and "less than the 60-minute minimum" in english
    client.set_cookie("lang", "zh")
    chinese = client.get(home).get_data(as_text=True)
    assert "《Film C》未编入任何单元：" in chinese and "合计只有 45 分钟，不足最短 60 分钟。" in chinese
