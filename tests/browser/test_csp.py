"""The pages satisfy the content security policy: no inline script or style is refused anywhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser

PUBLIC = ["/", "/programme/", "/programme/print", "/auth/login", "/auth/register", "/auth/reset"]
STAFF = [
    "/staff/timetable/",
    "/staff/timetable/runs",
    "/staff/venues/",
    "/review/staff",
    "/review/ranking",
    "/entries/staff",
]
FILMMAKER = ["/entries/"]


def _watch(page: Page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda msg: (
            refused.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text
            else None
        ),
    )
    return refused


def _login(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()


def _visit(page: Page, paths: list[str]) -> None:
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.status < 400, path
        page.wait_for_load_state("networkidle")


def test_no_page_breaks_the_content_security_policy(page: Page, live_server):
    refused = _watch(page)
    _visit(page, PUBLIC)
    # follow into the staff pages that draw the timetable grid and charts
    _login(page, "staff@demo.festival")
    _visit(page, STAFF)
    page.goto("/staff/timetable/?edition=bjiff-11-st")  # the demo's grid, whatever other tests added
    grid = page.locator("a[href*='/staff/timetable/versions/']").first
    grid.click()
    page.wait_for_load_state("networkidle")
    for link in ("overview", "stats", "films"):
        page.goto(page.url.split("?")[0].rstrip("/") + f"/{link}")
        page.wait_for_load_state("networkidle")
    page.context.clear_cookies()
    _login(page, "filmmaker@demo.festival")
    _visit(page, FILMMAKER)
    page.locator("a[href*='/entries/']").filter(has_text="Coral").first.click()
    page.wait_for_load_state("networkidle")
    assert refused == []
