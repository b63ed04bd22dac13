"""Staff ask "what if" in a real browser: two scenarios of a draft of the demo, compared side by side, one
made the draft (it appears in the drafts list). Screenshots go to test-results/."""

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
    page.screenshot(path=str(SHOTS / f"scenarios-{name}.png"), full_page=True)


def test_staff_compare_two_scenarios_and_make_one_the_draft(page: Page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", "staff@demo.festival")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_contain_text("Li Ming")

    # a draft to start from: a copy of the public version
    page.goto("/staff/timetable/?edition=bjiff-11-st")
    page.locator("a.button", has_text="Open version 1").click()
    page.locator("form[action$='/copy'] button").click()
    expect(page.locator(".flash-success")).to_contain_text("created as a copy")
    base = page.locator("h1").inner_text().split(" draft")[0].strip()  # "Draft N"

    # the first scenario: a theater closed for a week
    page.goto("/staff/timetable/?edition=bjiff-11-st")
    page.locator("a.button", has_text="Scenarios").click()
    expect(page.locator("h1")).to_have_text("Scenarios")
    page.fill("#name", "Dome closed a week")
    page.select_option("#base_version", label=base)
    page.fill("#time_limit", "3")
    page.select_option("#closure_theater", index=1)
    page.fill("#closure_first", "2021-04-10")
    page.fill("#closure_last", "2021-04-16")
    page.locator("form.scenario-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Dome closed a week", timeout=60_000)
    row = page.locator("tr[data-scenario='Dome closed a week']")
    expect(row.locator("a", has_text="Open the result")).to_be_visible()
    expect(row).to_contain_text("closed from")

    # the second: weekends draw more
    page.fill("#name", "Busy weekends")
    page.select_option("#base_version", label=base)
    page.fill("#time_limit", "3")
    page.fill("#sat", "2.5")
    page.fill("#sun", "2.5")
    page.locator("form.scenario-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Busy weekends", timeout=60_000)
    _shot(page, "1-list")

    # side by side
    page.locator("tr[data-scenario='Dome closed a week'] input[name=scenario]").check()
    page.locator("tr[data-scenario='Busy weekends'] input[name=scenario]").check()
    page.get_by_role("button", name="Compare the chosen scenarios").click()
    expect(page.locator("h1")).to_have_text("Scenarios side by side")
    heads = page.locator("table.kpis thead th")
    expect(heads.filter(has_text="Dome closed a week")).to_have_count(1)
    expect(heads.filter(has_text="Busy weekends")).to_have_count(1)
    expect(heads.filter(has_text="Version 1 (public)")).to_have_count(1)
    expect(heads.filter(has_text=base)).to_have_count(1)
    expect(page.locator("tr[data-kpi=attendance] td")).to_have_count(4)
    expect(page.locator("table.kpis td.better, table.kpis td.worse").first).to_be_visible()
    _shot(page, "2-side-by-side")

    # make one the draft: it appears in the drafts list, labelled with the scenario's name
    page.get_by_role("button", name="Make “Busy weekends” the draft").click()
    expect(page.locator(".flash-success")).to_contain_text(re.compile(r"Draft \d+ is a copy of scenario"))
    expect(page.locator("h1")).to_contain_text("Timetable")
    expect(page.locator("tr[data-draft]", has_text="Busy weekends")).to_have_count(1)
    _shot(page, "3-promoted-draft")
