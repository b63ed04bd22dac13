"""A filmmaker's entry pages in a real browser: the countdown in local time, and typed input that
survives an expired login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _login(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_be_visible()


def test_deadline_countdown_shows_the_visitors_local_time(page: Page, live_server):
    _login(page, "filmmaker@demo.festival")
    page.goto("/entries/")
    countdown = page.locator(".deadline .countdown").first
    expect(countdown).to_contain_text(re.compile(r"\d+ d .* left"))
    expect(countdown).to_contain_text("In your timezone")
    expect(page.locator(".deadline").first).to_contain_text("Beijing time")


def test_input_typed_before_the_login_expired_is_restored(page: Page, live_server):
    _login(page, "filmmaker@demo.festival")
    page.goto("/entries/")
    page.get_by_role("link", name="The Coral Engineers").click()
    page.get_by_role("link", name="Edit").click()
    edit_url = page.url
    page.fill("#synopsis_long", "Typed just before the session ran out.")
    page.context.clear_cookies()  # the login (and the CSRF secret) are gone
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("h1")).to_contain_text("400")
    _login(page, "filmmaker@demo.festival")
    page.goto(edit_url)
    expect(page.locator("#synopsis_long")).to_have_value("Typed just before the session ran out.")
    expect(page.locator("[data-backup-notice]")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("Saved")
    expect(page.locator("#synopsis_long")).to_have_value("Typed just before the session ran out.")
    expect(page.locator("[data-backup-notice]")).to_be_hidden()
