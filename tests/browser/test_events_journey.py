"""Issue 20's acceptance in a real browser: staff create a forum session with two invited speakers, a
speaker confirms and edits their bio, the timetable keeps the room free, and a visitor registers for the
session and finds it in the public programme and the calendar."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from playwright.sync_api import Browser, Page, expect

from festival import localtime
from festival.demo.services import DEMO_PASSWORD
from tests.browser.conftest import mailed_link
from tests.browser.test_full_journey import _login

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")
TITLE = "The Future of Dome Cinema"
SLUG = "bjiff-11-st"
NEW_PASSWORD = "Orbit-Nebula-Lantern-77"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"events-{name}.png"), full_page=True)


def _page_for(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-US")
    return context.new_page()


def _person(live_app, email: str, name: str) -> None:
    """An account with a confirmed address (as the invitation link or the confirmation mail leaves it)."""
    from festival.auth.services import create_user
    from festival.extensions import db

    with live_app.app_context():
        create_user(
            email=email, name=name, password=DEMO_PASSWORD, roles=("visitor",), locale="en", confirmed=True
        )
        db.session.commit()
        db.session.remove()


def _dome_id(live_app) -> int:
    from festival.extensions import db
    from festival.models import Edition, Theater, Venue

    with live_app.app_context():
        stmt = (
            sa.select(Theater.id)
            .join(Venue, Venue.id == Theater.venue_id)
            .join(Edition, Edition.id == Venue.edition_id)
            .where(Edition.slug == SLUG, Theater.code == "dome")
        )
        found = db.session.scalar(stmt)
        db.session.remove()
    return found


def _dome_overlaps(live_app, version_id: int) -> list:
    """Screenings of a version in the dome that overlap the forum session."""
    from festival.extensions import db
    from festival.models import Event, Screening

    with live_app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.title == TITLE))
        rows = db.session.scalars(
            sa.select(Screening).where(
                Screening.timetable_id == version_id,
                Screening.theater_id == event.theater_id,
                Screening.start < event.end,
                Screening.end > event.start,
            )
        ).all()
        count = len(rows)
        in_dome = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Screening)
            .where(Screening.timetable_id == version_id, Screening.theater_id == event.theater_id)
        )
        db.session.remove()
    return [count, in_dome]


@pytest.fixture
def forum_goes_afterwards(live_app):
    """The live database is shared by the session's journeys: the forum session (its speakers and
    registrations with it) does not stay in the dome for the timetable journeys that follow."""
    yield
    from festival.extensions import db
    from festival.models import Event

    with live_app.app_context():
        for event in db.session.scalars(sa.select(Event).where(Event.title == TITLE)):
            db.session.delete(event)
        db.session.commit()
        db.session.remove()


def test_staff_speakers_timetable_and_a_visitor_with_a_seat(
    browser: Browser, live_app, live_server, monkeypatch, forum_goes_afterwards
):
    _person(live_app, "reader@example.org", "Wang Fang")

    # staff create the forum session in the dome, with registration for two
    staff = _page_for(browser, live_server)
    _login(staff, "staff@demo.festival")
    staff.goto(f"/staff/events/new?edition={SLUG}")
    staff.select_option("#kind", "forum")
    staff.fill("#title", TITLE)
    staff.fill("#title_zh", "球幕电影的未来")
    staff.fill("#description", "Makers of fulldome films on what comes next.")
    staff.select_option("#theater_id", str(_dome_id(live_app)))
    staff.fill("#start", "2021-05-20T14:00")
    staff.fill("#end", "2021-05-20T15:30")
    staff.fill("#capacity", "2")
    staff.check("#registration_required")
    staff.fill("#language", "Chinese, English")
    staff.locator("form.event-form button[type=submit].primary").click()
    expect(staff.locator(".flash-success")).to_contain_text("Event added.")

    # ... and invite two speakers
    for name, email in (("Liu Cixin", "liu.cixin@example.org"), ("Ada Lovelace", "ada@example.org")):
        staff.fill("form.add-speaker #name", name)
        staff.fill("form.add-speaker #email", email)
        staff.locator("form.add-speaker button[type=submit]").click()
        expect(staff.locator(".flash-success")).to_contain_text("we mailed them the invitation")
    expect(staff.locator(".speaker-list li")).to_have_count(2)
    expect(staff.locator(".speaker-list")).to_contain_text("invited")
    expect(staff.locator(".speaker-list")).to_contain_text("invitation not accepted yet")
    _shot(staff, "1-forum-with-speakers")

    # a speaker without an account opens the mailed invitation, creates the account and accepts; their
    # page lists the session to confirm, and they write their bio
    speaker = _page_for(browser, live_server)
    speaker.goto(mailed_link(live_app, "liu.cixin@example.org", "/invitation/"))
    expect(speaker.locator("main")).to_contain_text(f"to speak at “{TITLE}”")
    expect(speaker.locator("#name")).to_have_value("Liu Cixin")
    speaker.fill("#password", NEW_PASSWORD)
    speaker.fill("#confirm", NEW_PASSWORD)
    speaker.get_by_role("button", name="Create my account and accept").click()
    expect(speaker.locator(".flash-success")).to_contain_text("the invitation is accepted")
    expect(speaker).to_have_url(re.compile(r"/speaking/$"))
    expect(speaker.locator("table.events")).to_contain_text(TITLE)
    speaker.get_by_role("button", name="Confirm").click()
    expect(speaker.locator(".flash-success")).to_contain_text("You confirmed.")
    speaker.fill("#name_zh", "刘慈欣")
    speaker.fill("#bio", "Writes science fiction; speaks about domes.")
    speaker.fill("#bio_zh", "科幻作家。")
    speaker.locator("form.speaker-form button[type=submit]").click()
    expect(speaker.locator(".flash-success")).to_contain_text("Profile saved.")
    speaker.context.close()

    # the timetable keeps the room free: a new run places nothing in the dome during the session
    staff.goto(f"/staff/timetable/runs?edition={SLUG}")
    staff.fill("#time_limit", "3")
    staff.locator("form.run-form button[type=submit]").click()
    expect(staff).to_have_url(re.compile(r"/staff/timetable/runs/\d+$"))
    expect(staff.locator("h1 .run-status")).to_have_text(re.compile("finished|stopped"), timeout=90_000)
    staff.locator("a.button.primary[href*='/staff/timetable/versions/']").click()
    version_id = int(re.search(r"/versions/(\d+)", staff.url).group(1))
    overlapping, in_dome = _dome_overlaps(live_app, version_id)
    assert overlapping == 0 and in_dome > 0
    staff.goto(f"/staff/timetable/versions/{version_id}?day=2021-05-20")
    expect(staff.locator(".tt-grid .tt-item.block", has_text=TITLE)).to_be_visible()
    _shot(staff, "2-grid-keeps-the-dome-free")
    staff.context.close()

    # a visitor finds it in the public programme (before the session, in May 2021) and registers
    monkeypatch.setattr(localtime, "now", lambda: datetime(2021, 5, 1, 2, 0, tzinfo=UTC))
    visitor = _page_for(browser, live_server)
    _login(visitor, "reader@example.org")
    visitor.goto(f"/programme/{SLUG}/?day=2021-05-20&kind=forum")
    visitor.locator(".screening-list a.title", has_text=TITLE).click()
    expect(visitor.locator("h1")).to_contain_text(TITLE)
    expect(visitor.locator(".speakers")).to_contain_text("Liu Cixin")
    expect(visitor.locator(".speakers")).not_to_contain_text("Ada Lovelace")  # not confirmed yet
    expect(visitor.locator(".registration")).to_contain_text("2 seats left of 2.")
    visitor.get_by_role("button", name="Register").click()
    expect(visitor.locator(".flash-success")).to_contain_text("You have a seat.")
    expect(visitor.locator(".registration-status")).to_contain_text("Registered")
    _shot(visitor, "3-visitor-registered")

    # ... and in the calendar
    with visitor.expect_download() as download_info:
        visitor.get_by_role("link", name="Add to calendar").first.click()
    calendar = Calendar.from_ical(Path(download_info.value.path()).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert TITLE in str(event.get("SUMMARY"))
    assert event.decoded("DTSTART").replace(tzinfo=None) == datetime(2021, 5, 20, 14, 0)
    whole = visitor.request.get(f"/programme/{SLUG}/calendar.ics").text()
    assert TITLE in whole
    visitor.context.close()
