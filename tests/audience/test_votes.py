"""The viewers' prize: when a visitor may rate a film, one vote per account and film (also under
concurrency, on SQLite and PostgreSQL), the Bayesian results with their band, and the burst audit."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.audience import plans, votes
from festival.audience.services import NotConfirmed
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import AudienceSettings, User, ViewerVote
from festival.models.enums import Role
from festival.models.types import utcnow
from tests.conftest import csrf_token, log_in
from tests.schedule.conftest import at


def _screening(version, entry, start):
    return next(s for s in version.screenings if s.entry_id == entry.id and s.start == start)


@pytest.fixture
def planned(fest, published, visitor):
    """The visitor planned A at 10:00 on 2 April."""
    a10 = _screening(published, fest["films"]["a"], at(2, 10))
    plans.add_to_plan(visitor, fest["edition"], a10.id)
    db.session.commit()
    return a10


def test_a_film_can_be_rated_only_after_a_planned_screening_started(fest, planned, visitor, make):
    edition, a, b = fest["edition"], fest["films"]["a"], fest["films"]["b"]
    with pytest.raises(votes.NotYet):
        votes.cast_vote(visitor, edition, a.id, 4, now=at(2, 9, 59))
    with pytest.raises(votes.NotYet):  # B started, but it is not in the plan
        votes.cast_vote(visitor, edition, b.id, 4, now=at(2, 12))
    with pytest.raises(InvalidInput):
        votes.cast_vote(visitor, edition, a.id, 6, now=at(2, 10))
    votes.cast_vote(visitor, edition, a.id, 4, now=at(2, 10))
    with pytest.raises(votes.AlreadyVoted):
        votes.cast_vote(visitor, edition, a.id, 5, now=at(2, 12))
    assert db.session.scalars(sa.select(ViewerVote.score)).all() == [4]
    db.session.add(AudienceSettings(edition_id=edition.id, vote_after_any_screening=True))
    db.session.flush()
    votes.cast_vote(visitor, edition, b.id, 2, now=at(2, 12))  # the edition allows any screening
    unconfirmed = make.user(role=Role.VISITOR)
    unconfirmed.email_confirmed_at = None
    with pytest.raises(NotConfirmed):
        votes.cast_vote(unconfirmed, edition, b.id, 2, now=at(2, 12))


def test_one_vote_per_account_and_film_under_concurrency(app, fest, planned, visitor):
    """Eight requests of one account vote for one film at once: one is counted, the others refused."""
    edition_id, film_id, user_id = fest["edition"].id, fest["films"]["a"].id, visitor.id
    db.session.remove()
    count = 8
    start = threading.Barrier(count, timeout=30)
    outcomes: list[str] = []

    def vote(score: int) -> None:
        try:
            with app.app_context(), app.test_request_context("/"):
                from festival.models import Edition

                user, edition = db.session.get(User, user_id), db.session.get(Edition, edition_id)
                start.wait()
                votes.cast_vote(user, edition, film_id, score, now=at(2, 11))
                db.session.commit()
                outcomes.append("counted")
        except votes.AlreadyVoted:
            outcomes.append("refused")
        except BaseException as exc:  # reported below
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=vote, args=(1 + n % 5,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == ["counted"] + ["refused"] * (count - 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ViewerVote)) == 1


def test_the_bayesian_average_and_its_band():
    uniform = (2.0,) * 5
    mean, low, high = votes.posterior((0, 0, 0, 0, 0), uniform)
    assert mean == pytest.approx(3.0) and low < 2.2 and high > 3.8  # no votes: the prior, a wide band
    mean, low, high = votes.posterior((0, 0, 0, 0, 200), uniform)
    assert mean > 4.8 and high - low < 0.15  # many votes: the votes, a narrow band
    few = votes.posterior((0, 0, 0, 0, 1), uniform)
    assert 3.0 < few[0] < 3.3  # one five does not win the prize


def test_results_rank_by_the_bayesian_average(fest, make):
    edition, f = fest["edition"], fest["films"]
    for n in range(30):
        voter = make.user(role=Role.VISITOR)
        db.session.add(
            ViewerVote(user_id=voter.id, edition_id=edition.id, entry_id=f["a"].id, score=4 + n % 2)
        )
    voter = make.user(role=Role.VISITOR)
    db.session.add(ViewerVote(user_id=voter.id, edition_id=edition.id, entry_id=f["b"].id, score=5))
    db.session.flush()
    results = votes.results(edition)
    assert results[0].entry.id == f["a"].id and results[0].votes == 30 and results[0].raw == 4.5
    b = next(r for r in results if r.entry.id == f["b"].id)
    assert b.votes == 1 and b.raw == 5 and b.mean < results[0].mean and b.high - b.low > 1


def test_the_audit_flags_a_burst_of_new_accounts(fest, make):
    edition, a = fest["edition"], fest["films"]["a"]
    minute = utcnow().replace(second=0, microsecond=0) - timedelta(hours=2)
    for n in range(25):  # 25 accounts made minutes before they vote in the same minute
        voter = make.user(role=Role.VISITOR, created_at=minute - timedelta(minutes=5))
        db.session.add(
            ViewerVote(
                user_id=voter.id,
                edition_id=edition.id,
                entry_id=a.id,
                score=5,
                created_at=minute + timedelta(seconds=n),
            )
        )
    for n in range(25):  # and 25 old accounts in another minute
        voter = make.user(role=Role.VISITOR, created_at=minute - timedelta(days=90))
        db.session.add(
            ViewerVote(user_id=voter.id, edition_id=edition.id, entry_id=a.id, score=3,
                       created_at=minute + timedelta(minutes=10, seconds=n))
        )  # fmt: skip
    db.session.flush()
    first, second = votes.audit(edition)[:2]
    assert first.burst and first.votes == 25 and first.by_age[0] == 25
    assert not second.burst and second.by_age[-1] == 25


def test_voting_through_the_page(csrf_client, fest, published, visitor):
    """A screening that started an hour ago, in the plan: the page offers the film, the vote counts once."""
    from tests.schedule.conftest import screen

    edition, a = fest["edition"], fest["films"]["a"]
    started = screen(published, a, fest["dome2"], utcnow().replace(microsecond=0) - timedelta(hours=1))
    db.session.commit()
    plans.add_to_plan(visitor, edition, started.id)
    db.session.commit()
    log_in(csrf_client, visitor)
    url = f"/audience/{edition.slug}/vote"
    page = csrf_client.get(url).get_data(as_text=True)
    assert "Film A" in page and "Film B" not in page.split('id="votable"')[1]
    token = csrf_token(csrf_client, url)
    assert csrf_client.post(f"/audience/{edition.slug}/vote/{a.id}", data={"score": "5"}).status_code == 400
    csrf_client.post(f"/audience/{edition.slug}/vote/{a.id}", data={"csrf_token": token, "score": "5"})
    csrf_client.post(f"/audience/{edition.slug}/vote/{a.id}", data={"csrf_token": token, "score": "1"})
    assert db.session.scalars(sa.select(ViewerVote.score)).all() == [5]
    prize = csrf_client.get(f"/audience/{edition.slug}/prize").get_data(as_text=True)
    assert "The rules" in prize and "once the festival is over" in prize  # 2031: not over; a visitor


@pytest.mark.parametrize("app_overrides", [{"RATELIMIT_ENABLED": True}])
def test_votes_are_rate_limited_per_account_not_per_address(client, fest, published, visitor, make):
    """Ten vote requests a minute per account; another account at the same address is not held back."""
    edition, a = fest["edition"], fest["films"]["a"]
    log_in(client, visitor)
    url = f"/audience/{edition.slug}/vote/{a.id}"
    for _ in range(10):
        assert client.post(url, data={"score": "9"}).status_code == 303  # refused ratings count too
    assert client.post(url, data={"score": "9"}).status_code == 429
    log_in(client, make.user(role=Role.VISITOR))
    assert client.post(url, data={"score": "9"}).status_code == 303
