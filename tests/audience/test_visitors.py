"""Visitors through the test client: a visitor's account, wishes (stars) and days, a plan with a clash
and the film's other screenings, plan my visit, and the plan's private calendar feed."""

from __future__ import annotations

import re

import sqlalchemy as sa

from festival.extensions import db
from festival.models import OutboxMail, PlanFeed, PlanItem, Star, User, VisitorDays
from festival.models.enums import Role
from tests.conftest import csrf_token, log_in
from tests.schedule.conftest import at

PASSWORD = "Nebula-Dome-4471"


def test_anyone_can_sign_up_as_a_visitor_and_is_mailed_in_their_language(csrf_client, app):
    token = csrf_token(csrf_client, "/auth/register?as=visitor")
    page = csrf_client.get("/auth/register?as=visitor").get_data(as_text=True)
    assert re.search(r'value="visitor"[^>]*checked|checked[^>]*value="visitor"', page)
    response = csrf_client.post(
        "/auth/register",
        data={"csrf_token": token, "kind": "visitor", "name": "Lin Visitor", "email": "lin@example.org",
              "password": PASSWORD, "confirm": PASSWORD, "locale": "zh"},
    )  # fmt: skip
    assert response.status_code == 303
    user = db.session.scalar(sa.select(User).where(User.email == "lin@example.org"))
    assert user.roles == {Role.VISITOR} and user.locale == "zh" and user.email_confirmed_at is None
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.recipient == "lin@example.org"))
    assert "/auth/confirm/" in mail.body


def test_only_a_filmmaker_or_a_visitor_can_be_chosen(client):
    response = client.post(
        "/auth/register",
        data={"kind": "admin", "name": "Eve", "email": "eve@example.org", "password": PASSWORD,
              "confirm": PASSWORD, "locale": "en"},
    )  # fmt: skip
    assert response.status_code == 422
    assert db.session.scalar(sa.select(User).where(User.email == "eve@example.org")) is None


def test_a_form_without_the_choice_registers_a_filmmaker(client):
    client.post(
        "/auth/register",
        data={"name": "Old Form", "email": "old@example.org", "password": PASSWORD, "confirm": PASSWORD,
              "locale": "en"},
    )  # fmt: skip
    assert db.session.scalar(sa.select(User).where(User.email == "old@example.org")).roles == {Role.FILMMAKER}


def test_a_visitor_wishes_for_films_and_says_when_they_can_come(csrf_client, fest, visitor):
    slug, a = fest["edition"].slug, fest["films"]["a"]
    log_in(csrf_client, visitor)
    page = csrf_client.get(f"/audience/{slug}/films").get_data(as_text=True)
    assert "Film A" in page and "Film R" not in page and "The timetable is not made yet" in page
    token = csrf_token(csrf_client, f"/audience/{slug}/films")
    assert csrf_client.post(f"/audience/{slug}/films/{a.id}/star", data={"on": "1"}).status_code == 400
    csrf_client.post(f"/audience/{slug}/films/{a.id}/star", data={"csrf_token": token, "on": "1"})
    assert db.session.get(Star, (visitor.id, a.id)) is not None
    rejected = fest["films"]["rejected"]
    csrf_client.post(f"/audience/{slug}/films/{rejected.id}/star", data={"csrf_token": token, "on": "1"})
    assert db.session.get(Star, (visitor.id, rejected.id)) is None
    csrf_client.post(f"/audience/{slug}/days", data={"csrf_token": token, "weekends": ["2031-04-05"]})
    days = db.session.get(VisitorDays, (visitor.id, fest["edition"].id))
    assert days.weekdays is False and days.weekends == ["2031-04-05"]
    csrf_client.post(f"/audience/{slug}/days", data={"csrf_token": token, "weekends": ["2031-04-07"]})
    db.session.refresh(days)
    assert days.weekends == ["2031-04-05"]  # a Monday is not a weekend: refused, nothing changed
    csrf_client.post(f"/audience/{slug}/films/{a.id}/star", data={"csrf_token": token, "on": "0"})
    assert db.session.get(Star, (visitor.id, a.id)) is None


def test_an_unconfirmed_account_cannot_wish(client, fest, make):
    user = make.user(role=Role.VISITOR)
    user.email_confirmed_at = None
    db.session.commit()
    log_in(client, user)
    a = fest["films"]["a"]
    client.post(f"/audience/{fest['edition'].slug}/films/{a.id}/star", data={"on": "1"})
    assert db.session.get(Star, (user.id, a.id)) is None


def _screening(version, entry, start):
    return next(s for s in version.screenings if s.entry_id == entry.id and s.start == start)


def test_the_plan_warns_of_clashes_and_offers_other_screenings(client, fest, published, visitor):
    slug, f = fest["edition"].slug, fest["films"]
    log_in(client, visitor)
    a10 = _screening(published, f["a"], at(2, 10))
    c10 = _screening(published, f["c"], at(2, 10))
    for s in (a10, c10):
        client.post(f"/audience/{slug}/plan/add/{s.id}")
    page = client.get(f"/audience/{slug}/plan").get_data(as_text=True)
    assert "1 clash in your plan" in page
    # A's other screenings that fit: 14:00 in the small dome and Saturday 5 April
    assert page.count("Other screenings of this film that fit your plan") == 1  # C has no other
    assert "Sat 5 Apr 10:00" in page and db.session.get(Star, (visitor.id, f["a"].id)) is not None
    client.post(f"/audience/{slug}/plan/remove/{c10.id}")
    assert "clash" not in client.get(f"/audience/{slug}/plan").get_data(as_text=True).split("<h2>")[0]


def test_plan_my_visit_proposes_a_clash_free_plan_to_accept(client, fest, published, visitor):
    slug, f = fest["edition"].slug, fest["films"]
    log_in(client, visitor)
    films = [f["a"].id, f["b"].id, f["c"].id]
    page = client.get(f"/audience/{slug}/plan/propose", query_string={"films": films, "days": ["2031-04-02"]})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    ids = re.search(r'name="screenings" type="hidden" value="([0-9,]+)"', html).group(1)
    assert "3 films without clashes" in html  # C 10:00 (giant), B 11:00, A 14:00 (small dome): one day
    client.post(f"/audience/{slug}/plan/accept", data={"screenings": ids})
    items = db.session.scalars(sa.select(PlanItem).where(PlanItem.user_id == visitor.id)).all()
    assert sorted(i.start for i in items) == [at(2, 10), at(2, 11), at(2, 14)]
    # a forged clashing "proposal" is refused and the plan stays
    a10, c10 = _screening(published, f["a"], at(2, 10)), _screening(published, f["c"], at(2, 10))
    client.post(f"/audience/{slug}/plan/accept", data={"screenings": f"{a10.id},{c10.id}"})
    assert len(db.session.scalars(sa.select(PlanItem).where(PlanItem.user_id == visitor.id)).all()) == 3
    assert client.get(f"/audience/{slug}/plan/propose", query_string={"films": films}).status_code == 422


def test_the_plan_feed_follows_the_plan_and_can_be_revoked(client, fest, published, visitor):
    slug, f = fest["edition"].slug, fest["films"]
    log_in(client, visitor)
    a10 = _screening(published, f["a"], at(2, 10))
    client.post(f"/audience/{slug}/plan/add/{a10.id}")
    page = client.post(f"/audience/{slug}/plan/feed").get_data(as_text=True)
    address = re.search(r'id="feed-address"[^>]*value="http://localhost(/audience/feed/[^"]+\.ics)"', page)
    address = address or re.search(r'value="http://localhost(/audience/feed/[^"]+\.ics)"', page)
    url = address.group(1)
    token = url.rsplit("/", 1)[1][: -len(".ics")]
    assert db.session.scalar(sa.select(PlanFeed.token_hash)) != token  # only a hash is kept
    with client.session_transaction() as session:
        session.clear()  # calendar apps have no login: the address is the key
    feed = client.get(url)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.get_data(as_text=True).count("BEGIN:VEVENT") == 1 and "Film A" in feed.get_data(as_text=True)
    log_in(client, visitor)
    client.post(f"/audience/{slug}/plan/feed")  # a new address: the old one stops working
    assert client.get(url).status_code == 404
    client.post(f"/audience/{slug}/plan/feed/revoke")
    assert db.session.scalar(sa.select(sa.func.count()).where(PlanFeed.revoked_at.is_(None))) == 0
    assert client.get("/audience/feed/not-a-token.ics").status_code == 404
