"""Staff adjust and publish the timetable in a real browser: copy, pin, re-solve around the pins, compare,
publish; then the public sees the new version. Screenshots of the grid go to test-results/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"timetable-{name}.png"), full_page=True)


def _login_as_staff(page: Page) -> None:
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", "staff@demo.festival")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_contain_text("Li Ming")


def test_staff_pin_resolve_and_publish_a_new_version(page: Page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    _login_as_staff(page)

    # the timetable home: the demo's version 1 is public
    page.goto("/staff/timetable/?edition=bjiff-11-st")  # the demo, whatever editions other journeys added
    expect(page.locator("h1")).to_contain_text("Timetable")
    page.locator("a.button", has_text="Open version 1").click()
    expect(page.locator(".tt-grid a.tt-item.screening").first).to_be_visible()
    _shot(page, "1-published-grid")

    # a published version is frozen: copy it into a new draft to change it
    page.locator("form[action$='/copy'] button").click()
    expect(page.locator(".flash-success")).to_contain_text("created as a copy")
    expect(page.locator(".version-head .badge")).to_have_text("draft")
    draft_url = page.url.split("?")[0]

    # pin a screening that is not pinned yet
    page.locator(".tt-grid a.tt-item.screening:not(.pinned)").first.click()
    expect(page.locator(".screening-card h2")).to_be_visible()
    title = page.locator(".screening-card .film-title").inner_text().strip()
    page.locator("form[action$='/pin'] button").click()
    expect(page.locator(".flash-success")).to_contain_text("Screening pinned.")
    pinned = page.locator(".tt-grid a.tt-item.screening.pinned", has_text=title)
    expect(pinned.first).to_be_visible()
    _shot(page, "2-draft-with-pin")

    # a move that breaks a rule is explained and not saved
    pinned.first.click()
    page.fill("#start", "07:00")
    page.locator("form[action*='/screenings/'] button.primary", has_text="Move").click()
    expect(page.locator(".problems")).to_contain_text("Pinned screenings")
    expect(page.locator(".problems")).to_contain_text("Opening hours")

    # re-solve around the pins: the solver makes a new draft that keeps them
    page.goto(draft_url)
    page.fill("#time_limit", "3")
    page.locator("form.resolve button").click()
    result = page.locator("a.button.primary[href*='/staff/timetable/versions/']")
    expect(result).to_be_visible(timeout=60_000)
    result.click()
    expect(page.locator(".tt-grid a.tt-item.screening.pinned", has_text=title).first).to_be_attached()

    # compare with the published version, then publish
    page.locator("nav.tabs a", has_text="Compare").click()
    expect(page.locator(".diff-summary")).to_contain_text("moved")
    _shot(page, "3-compare")
    page.locator("nav.tabs a", has_text="Publish").click()
    warnings = page.locator("input[name=accept_warnings]")
    if warnings.count():
        warnings.check()
    page.locator(".publish-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 2 is now the public programme.")
    expect(page.locator(".version-head .badge")).to_have_text("published")
    _shot(page, "4-published-version-2")

    # the public programme shows version 2 without logging in
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/programme/")
    expect(page.locator(".programme-head")).to_contain_text(re.compile(r"Version 2|版本 ?2|2"))
    expect(page.locator(".screening-list li").first).to_be_visible()
    _shot(page, "5-public-programme-phone")
