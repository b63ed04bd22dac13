"""A visitor can open the site, switch language and log in with a demo account."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_visitor_switches_language_and_logs_in(page: Page, live_server):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    page.get_by_role("link", name="登录", exact=True).click()
    page.fill("#email", "staff@demo.festival")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_contain_text("Li Ming")
    page.screenshot(path="test-results/smoke-logged-in.png", full_page=True)
