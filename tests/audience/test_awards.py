"""The jury's awards: categories, nominations, the secret ballot with its quorum, conflicts of interest
as in curation, approval and publication on the awards page and the film page."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.audience import awards
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.models import AwardCategory, JuryBallot, Nomination
from festival.models.enums import ConflictKind, Role
from festival.review import services as review
from tests.conftest import csrf_token, log_in


@pytest.fixture
def award(fest, make):
    """ "Best Dome Film" with A and B nominated, three jurors."""
    edition, staff = fest["edition"], fest["staff"]
    category = awards.save_category(edition, actor=staff, name="Best Dome Film", name_zh="最佳球幕影片")
    for key in "ab":
        awards.nominate(edition, category.id, fest["films"][key].id, actor=staff)
    people = [make.user(role=Role.VISITOR, name=f"Juror {n}") for n in range(3)]
    for person in people:
        awards.add_juror(edition, person, actor=staff)
    db.session.commit()
    return category, people


def test_the_secret_ballot_counts_once_and_links_no_juror_to_a_film(fest, award):
    category, (one, two, three) = award
    edition, a, b = fest["edition"], fest["films"]["a"], fest["films"]["b"]
    awards.cast_ballot(one, edition, category.id, a.id)
    with pytest.raises(awards.BallotCast):
        awards.cast_ballot(one, edition, category.id, b.id)
    with pytest.raises(InvalidInput):  # C is not nominated
        awards.cast_ballot(two, edition, category.id, fest["films"]["c"].id)
    with pytest.raises(awards.NotOnJury):
        awards.cast_ballot(fest["staff"], edition, category.id, a.id)
    assert {n.entry_id: n.votes for n in db.session.scalars(sa.select(Nomination))} == {a.id: 1, b.id: 0}
    ballot_columns = {c.name for c in JuryBallot.__table__.columns}
    assert ballot_columns == {"category_id", "user_id", "cast_at"}  # no choice stored with the juror
    with pytest.raises(InvalidTransition):  # nominations close with the first ballot
        awards.nominate(edition, category.id, fest["films"]["c"].id, actor=fest["staff"])


def test_the_quorum_then_approval_then_publication(fest, award):
    category, (one, two, three) = award
    edition, staff, a, b = fest["edition"], fest["staff"], fest["films"]["a"], fest["films"]["b"]
    awards.cast_ballot(one, edition, category.id, a.id)
    assert awards.standing(category).quorum == 2 and not awards.standing(category).reached
    with pytest.raises(InvalidTransition):
        awards.approve(edition, category.id, a.id, actor=staff)
    with pytest.raises(InvalidTransition):
        awards.publish(edition, category.id, actor=staff)
    awards.cast_ballot(two, edition, category.id, b.id)
    assert {e.id for e in awards.standing(category).leaders} == {a.id, b.id}  # a tie staff settle
    awards.cast_ballot(three, edition, category.id, a.id)
    with pytest.raises(InvalidInput):
        awards.approve(edition, category.id, b.id, actor=staff)  # not a leader
    awards.approve(edition, category.id, a.id, actor=staff)
    awards.publish(edition, category.id, actor=staff)
    assert awards.published_awards(edition) == [(category, a)]


def test_a_conflicted_juror_does_not_vote_and_does_not_count(fest, award):
    category, (one, two, three) = award
    edition, a = fest["edition"], fest["films"]["a"]
    review.declare_conflict(edition, curator=one, kind=ConflictKind.ENTRY, entry=fest["films"]["b"])
    with pytest.raises(NotAllowed):
        awards.cast_ballot(one, edition, category.id, a.id)
    assert awards.eligible_jurors(category) == 2 and awards.quorum(category) == 2
    outsider = db.session.get(type(one), fest["owner"].id)
    with pytest.raises(InvalidInput):  # only curators and jurors declare conflicts
        review.declare_conflict(edition, curator=outsider, kind=ConflictKind.ENTRY, entry=a)


def test_the_jury_and_staff_pages(csrf_client, fest, award, published):
    category, (one, two, three) = award
    a, slug = fest["films"]["a"], fest["edition"].slug
    for juror in (one, two):
        log_in(csrf_client, juror)
        page = csrf_client.get(f"/audience/{slug}/jury").get_data(as_text=True)
        assert "Best Dome Film" in page and "Film A" in page
        token = csrf_token(csrf_client, f"/audience/{slug}/jury")
        csrf_client.post(
            f"/audience/{slug}/jury/{category.id}/ballot", data={"csrf_token": token, "entry": a.id}
        )
    assert db.session.get(Nomination, (category.id, a.id)).votes == 2
    log_in(csrf_client, fest["owner"])
    assert csrf_client.get(f"/audience/{slug}/jury").status_code == 403
    log_in(csrf_client, fest["staff"])
    manage = f"/audience/{slug}/awards/manage"
    assert "2 votes" in csrf_client.get(manage).get_data(as_text=True)
    token = csrf_token(csrf_client, manage)
    csrf_client.post(
        f"/audience/{slug}/awards/{category.id}/approve", data={"csrf_token": token, "entry": a.id}
    )
    csrf_client.post(f"/audience/{slug}/awards/{category.id}/publish", data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(AwardCategory, category.id).published_at is not None
    assert "Best Dome Film" in csrf_client.get(f"/audience/{slug}/awards").get_data(as_text=True)
    film = csrf_client.get(f"/programme/{slug}/film/{a.id}").get_data(as_text=True)
    assert "Award: Best Dome Film" in film
