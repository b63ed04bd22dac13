"""The audience's journey on a phone-sized screen, through the UI only: a visitor signs up and confirms the
address, wishes for films of an edition whose timetable is not made yet, later builds a plan of the 2021
programme with a clash warning and takes the proposed clash-free plan, subscribes to the plan's calendar
feed, and rates a film after its screening; staff define an award and put the visitor on the jury, who
casts a secret ballot; staff approve and publish the award, which the awards page and the film page show.

Preconditions the UI cannot make quickly are written to the live server's database first: an edition
with released decisions and no timetable (for the wishes). Screenshots: test-results/audience-*.png."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from festival.demo.services import DEMO_PASSWORD
from tests.browser.conftest import mailed_link

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")
PASSWORD = "Planetarium-Night-2031"
PHONE = {"width": 390, "height": 844}
SLUG = "bjiff-11-st"
BEIJING = ZoneInfo("Asia/Shanghai")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"audience-{name}.png"), full_page=True)


def _login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.context.clear_cookies()
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_be_visible()


def _in_app(live_app, work):
    from festival.extensions import db

    with live_app.app_context(), live_app.test_request_context():
        try:
            return work(db)
        finally:
            db.session.remove()


def _wish_edition(live_app, token: str) -> tuple[str, list[str]]:
    """An edition whose decisions are released and whose timetable is not made: three selected films (its
    window lies before the demo's, so the journeys sharing the live database keep the demo as the staff's
    default edition)."""

    def make(db):
        from festival.models import Decision, Edition, Entry, User
        from festival.models.enums import DecisionOutcome, EditionStatus, EntryStatus, FilmFormat
        from festival.models.types import utcnow

        owner = db.session.scalar(db.select(User).where(User.email == "distributor@demo.festival"))
        first = date(2019, 4, 1)  # before the demo's editions: never the staff's default edition
        edition = Edition(
            slug=f"wish-{token}", name=f"Wish Edition {token}", section="Science & Technology Section",
            reference_prefix=f"W{token[:4]}", entry_deadline=utcnow() - timedelta(days=30),
            first_day=first, last_day=first + timedelta(days=20), status=EditionStatus.PROGRAMMING,
        )  # fmt: skip
        db.session.add(edition)
        db.session.flush()
        titles = [f"Comet Tail {token}", f"Deep Ocean {token}", f"Mars Dust {token}"]
        for n, title in enumerate(titles):
            entry = Entry(
                edition_id=edition.id, owner_id=owner.id, title_original=title, title_en=title,
                format=FilmFormat.DOME, runtime_minutes=30, status=EntryStatus.ACCEPTED,
                number=n + 1, reference=f"W{token[:4]}-{n + 1:04d}", submitted_at=utcnow(),
            )  # fmt: skip
            db.session.add(entry)
            db.session.flush()
            db.session.add(
                Decision(entry_id=entry.id, outcome=DecisionOutcome.ACCEPTED, min_screenings=2,
                         max_screenings=4, popularity=100, released_at=utcnow())
            )  # fmt: skip
        db.session.commit()
        return edition.slug, titles

    return _in_app(live_app, make)


def _clashing_pair(live_app) -> tuple[dict, dict]:
    """Two overlapping screenings of different films in the 2021 programme, as the page names them."""

    def find(db):
        from festival.models import Edition, Screening, TimetableVersion
        from festival.models.enums import VersionStatus

        edition = db.session.scalar(db.select(Edition).where(Edition.slug == SLUG))
        version = db.session.scalar(
            db.select(TimetableVersion).where(
                TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.PUBLISHED
            )
        )
        rows = db.session.scalars(
            db.select(Screening).where(Screening.timetable_id == version.id).order_by(Screening.start)
        ).all()

        def day(s):
            return s.start.astimezone(BEIJING).date()

        def venue(s):
            return s.theater.venue_id

        # all three in one venue (no travel time between them): screenings in other venues or cities need
        # travel time too, and the demo's solved timetable (which film plays where) differs between loads
        for i, a in enumerate(rows):
            for b in rows[i + 1 : i + 200]:
                if None in (a.entry_id, b.entry_id) or b.entry_id == a.entry_id:
                    continue
                if b.start >= a.end or venue(b) != venue(a):
                    continue
                # the proposal can take both films that day: b's film has another screening clear of a
                if any(
                    c.entry_id == b.entry_id
                    and venue(c) == venue(a)
                    and day(c) == day(a)
                    and (c.start >= a.end or c.end <= a.start)
                    for c in rows
                ):
                    return tuple(
                        {"id": s.id, "entry": s.entry_id, "title": s.entry.display_title, "day": day(s)}
                        for s in (a, b)
                    )
        raise AssertionError("no overlapping screenings in the 2021 programme")

    return _in_app(live_app, find)


def test_a_visitor_wishes_plans_subscribes_votes_and_the_jury_awards(page: Page, live_app, live_server):
    page.set_viewport_size(PHONE)
    token = uuid.uuid4().hex[:8]
    email = f"visitor-{token}@example.org"
    wish_slug, titles = _wish_edition(live_app, token)
    first, second = _clashing_pair(live_app)

    # sign up as a visitor, confirm, log in
    page.goto("/auth/register?as=visitor")
    page.get_by_role("link", name="English").click()
    expect(page.locator("input[name=kind][value=visitor]")).to_be_checked()
    page.fill("#name", "Vera Visitor")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".flash-success")).to_contain_text("We sent a message to")
    page.goto(mailed_link(live_app, email, "/auth/confirm/"))
    expect(page.locator(".flash-success")).to_contain_text("is confirmed")
    _login(page, email, PASSWORD)

    # wishes before the timetable exists
    page.goto(f"/audience/{wish_slug}/films")
    expect(page.locator("main, body").first).to_contain_text("The timetable is not made yet")
    page.locator("li.wish", has_text=titles[1]).get_by_role("button").click()
    expect(page.locator("li.wish", has_text=titles[1]).get_by_role("button")).to_have_text("★ Wanted")
    page.locator("#weekdays").uncheck()
    page.locator("input[name=weekends]").first.check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("we know when you can come")
    _shot(page, "01-wishes")

    # a plan of the published 2021 programme with a clash
    page.goto(f"/audience/{SLUG}/films")
    for s in (first, second):
        page.locator(f"form[action$='/films/{s['entry']}/star'] button").click()
        expect(page.locator(".flash-success")).to_contain_text("Added to your films")
    page.goto(f"/audience/{SLUG}/plan")
    for s in (first, second):
        form = page.locator(f"form[action$='/plan/add/{s['id']}']").first
        if not form.is_visible():
            form.locator("xpath=ancestor::details").first.locator("summary").click()
        form.get_by_role("button").click()
        expect(page.locator(".flash-success")).to_contain_text("Added to your plan")
    expect(page.locator("#clashes")).to_contain_text("1 clash in your plan")
    _shot(page, "02-plan-with-a-clash")

    # plan my visit: the two films on that day, a clash-free proposal to take
    visit = page.locator("#plan-my-visit")
    visit.locator(f"input[name=days][value='{first['day'].isoformat()}']").check()
    if first["day"] != second["day"]:
        visit.locator(f"input[name=days][value='{second['day'].isoformat()}']").check()
    visit.get_by_role("button", name="Propose a plan").click()
    expect(page.locator("#proposal li")).to_have_count(2)
    _shot(page, "03-proposal")
    page.get_by_role("button", name="Take this plan (it replaces my plan)").click()
    expect(page.locator(".flash-success")).to_contain_text("This is your plan now")
    expect(page.locator("#clashes")).to_have_count(0)
    expect(page.locator("ol.plan > li")).to_have_count(2)

    # the plan's private calendar feed
    page.locator("#calendar-feed").get_by_role("button", name="Make a calendar address").click()
    address = page.locator("#feed-address").input_value()
    assert re.search(r"/audience/feed/[A-Za-z0-9_\-]+\.ics$", address), address
    feed = page.request.get(re.sub(r"^https?://[^/]+", live_server, address))
    assert feed.ok and feed.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.body()).walk("VEVENT"))
    assert len(events) == 2
    _shot(page, "04-feed")

    # rate a film after its screening (2021: over)
    page.goto(f"/audience/{SLUG}/vote")
    item = page.locator("#votable li").first
    item.locator("label.score", has_text="5").click()
    item.get_by_role("button", name="Vote").click()
    expect(page.locator(".flash-success")).to_contain_text("your rating is counted")
    expect(page.locator("#votable li")).to_have_count(1)
    _shot(page, "05-voted")

    # staff define an award, nominate both films and put the visitor on the jury
    award = f"Best Dome Film {token}"
    _login(page, "staff@demo.festival")
    page.goto(f"/audience/{SLUG}/awards/manage")
    page.fill("#name", award)
    page.fill("#name_zh", f"最佳球幕影片 {token}")
    page.get_by_role("button", name="Add the award").click()
    expect(page.locator(".flash-success")).to_contain_text("The award is saved")
    card = page.locator("section.award", has_text=award)
    for s in (first, second):
        card.locator("select[name=entry]").select_option(str(s["entry"]))
        card.get_by_role("button", name="Nominate").click()
        expect(page.locator(".flash-success")).to_contain_text("The nominations are saved")
    page.fill("#email", email)
    page.get_by_role("button", name="Invite to the jury").click()
    expect(page.locator(".flash-success")).to_contain_text("The invitation to the jury is sent")
    expect(page.locator(".jury-invitations")).to_contain_text(email)

    # the visitor opens the mailed invitation logged in with their account and accepts: a jury seat
    _login(page, email, PASSWORD)
    page.goto(mailed_link(live_app, email, "/invitation/"))
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.locator(".flash-success")).to_contain_text("the invitation is accepted")
    expect(page.locator("h1")).to_contain_text("The jury's ballots")

    # the juror's secret ballot
    page.goto(f"/audience/{SLUG}/plan")
    page.get_by_role("link", name="The jury's ballots").click()
    ballot = page.locator("section.card", has_text=award)
    ballot.get_by_label(second["title"]).check()
    ballot.get_by_role("button", name="Cast my ballot").click()
    expect(page.locator(".flash-success")).to_contain_text("Your ballot is cast")
    _shot(page, "06-ballot")

    # staff approve and publish; the awards page and the film page show it
    _login(page, "staff@demo.festival")
    page.goto(f"/audience/{SLUG}/awards/manage")
    card = page.locator("section.award", has_text=award)
    expect(card).to_contain_text("1 vote")
    card.get_by_role("button", name="Approve the result").click()
    expect(page.locator(".flash-success")).to_contain_text("The result is approved")
    page.locator("section.award", has_text=award).get_by_role("button", name="Publish the award").click()
    expect(page.locator(".flash-success")).to_contain_text("The award is published")
    page.context.clear_cookies()
    page.goto(f"/audience/{SLUG}/awards")
    expect(page.locator("body")).to_contain_text(award)
    page.locator("li.card", has_text=award).get_by_role("link").click()
    expect(page.locator(".film-notes")).to_contain_text(f"Award: {award}")
    _shot(page, "07-awarded-film")
