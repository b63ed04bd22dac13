"""Issue 17's acceptance for the alliance in a real browser: the venue manager of a partner museum logs
in, edits their opening hours and sees only their venue (another venue's page is refused), and a visitor
filters the public programme by city."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from festival.demo.alliance import MANAGED_VENUE, MANAGER
from tests.browser.test_full_journey import _login

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")
SLUG = "bjiff-11-st"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"alliance-{name}.png"), full_page=True)


def _page_for(browser: Browser, base_url: str) -> Page:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-US")
    return context.new_page()


def _venue_ids(live_app) -> dict[str, int]:
    from festival.extensions import db
    from festival.models import Edition, Venue

    with live_app.app_context():
        rows = db.session.execute(
            sa.select(Venue.code, Venue.id)
            .join(Edition, Edition.id == Venue.edition_id)
            .where(Edition.slug == SLUG)
        ).all()
        db.session.remove()
    return dict(rows)


def _monday_hours(live_app, venue_id: int) -> list:
    from festival.extensions import db
    from festival.models import Venue

    with live_app.app_context():
        hours = db.session.get(Venue, venue_id).hours["mon"]
        db.session.remove()
    return hours


def test_the_venue_manager_edits_their_hours_and_sees_only_their_venue(browser: Browser, base_url, live_app):
    ids = _venue_ids(live_app)
    page = _page_for(browser, base_url)
    _login(page, MANAGER)

    # the header offers only the manager's pages; the venues page shows their museum alone
    nav = page.locator("nav.main-nav")
    expect(nav.get_by_role("link", name="Venues", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Venue timetable")).to_be_visible()
    expect(nav.get_by_role("link", name="Entries")).to_have_count(0)
    expect(nav.get_by_role("link", name="Timetable", exact=True)).to_have_count(0)
    page.goto("/staff/venues/")
    expect(page.locator("section.venue")).to_have_count(1)
    expect(page.locator(f"#venue-{ids[MANAGED_VENUE]} h2")).to_contain_text("Hefei Partner Science Museum")
    expect(page.get_by_role("link", name="Add a venue")).to_have_count(0)

    # they open their hours (the museum opens on Mondays from now on) and save
    page.locator(f"#venue-{ids[MANAGED_VENUE]}").get_by_role("link", name="Edit hours").click()
    expect(page.locator("input[name=code]")).to_have_count(0)
    page.fill("#hours_mon", "10:00-16:00")
    page.fill("#contact_phone", "+86 551 6362 9999")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".flash-success")).to_contain_text("Venue saved.")
    expect(page.locator(f"#venue-{ids[MANAGED_VENUE]} .hours")).to_contain_text("10:00-16:00")
    assert _monday_hours(live_app, ids[MANAGED_VENUE]) == [["10:00", "16:00"]]
    _shot(page, "manager-venues")

    # another venue's pages and the staff pages are refused
    for url in (f"/staff/venues/{ids['cstm']}/edit", f"/staff/venues/{ids['guangzhou-stm']}/blocks"):
        response = page.goto(url)
        assert response.status == 403, url
    assert page.goto("/entries/staff").status == 403
    assert page.goto("/staff/timetable/").status == 403

    # their venue's timetable: their screenings only
    page.goto("/staff/venues/timetable")
    expect(page.locator("table.venue-timetable").first).to_be_visible()
    venues = page.locator("table.venue-timetable tbody td:nth-child(3)").all_inner_texts()
    assert venues and set(venues) == {"Hefei Partner Science Museum"}
    page.context.close()


def _a_day_in_hefei(live_app) -> str:
    """A day of the published programme with a screening in the Hefei partner museum."""
    from festival import localtime
    from festival.extensions import db
    from festival.models import Edition, Screening, Theater, TimetableVersion, Venue
    from festival.models.enums import VersionStatus

    with live_app.app_context():
        stmt = (
            sa.select(Screening.start, Edition)
            .join(TimetableVersion, TimetableVersion.id == Screening.timetable_id)
            .join(Edition, Edition.id == TimetableVersion.edition_id)
            .join(Theater, Theater.id == Screening.theater_id)
            .join(Venue, Venue.id == Theater.venue_id)
            .where(Edition.slug == SLUG, TimetableVersion.status == VersionStatus.PUBLISHED)
            .where(Venue.city == "hefei")
            .order_by(Screening.start)
        )
        start, edition = db.session.execute(stmt.limit(1)).one()
        day = localtime.local_day(start, edition).isoformat()
        db.session.remove()
    return day


def test_visitors_filter_the_public_programme_by_city(browser: Browser, base_url, live_app):
    page = _page_for(browser, base_url)
    page.goto(f"/programme/{SLUG}/?day={_a_day_in_hefei(live_app)}")
    city = page.locator("#f-city")
    expect(city).to_be_visible()
    assert {"Beijing", "Hefei", "Shanghai", "Guangzhou"} <= set(city.locator("option").all_inner_texts())
    city.select_option("hefei")
    page.wait_for_url("**city=hefei**")
    cities = page.locator(".programme-day li.screening .city").all_inner_texts()
    assert cities and set(cities) == {"Hefei"}
    _shot(page, "programme-hefei")
    # a film page lists every city the film visits
    page.locator(".programme-day li.screening a.title").first.click()
    expect(page.locator(".film-cities")).to_contain_text("Hefei")
    page.context.close()
