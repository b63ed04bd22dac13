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
    # The step's script listens for typing once the page has loaded; typing before that (the click
    # only waits for the navigation to start) would go unseen by the autosave and the backup.
    with page.expect_navigation(wait_until="load"):
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
    expect(page.locator("[data-save-status]")).to_contain_text("Saved at")
    expect(page.locator("[data-backup-notice]")).to_be_hidden()
    page.reload()
    expect(page.locator("#synopsis_long")).to_have_value("Typed just before the session ran out.")
    expect(page.locator("[data-backup-notice]")).to_be_hidden()  # the browser's copy is gone


def _open_draft_step(page: Page) -> str:
    _login(page, "filmmaker@demo.festival")
    page.goto("/entries/")
    page.get_by_role("link", name="The Coral Engineers").click()
    # The step's script listens for typing once the page has loaded; typing before that (the click
    # only waits for the navigation to start) would go unseen by the autosave and the backup.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Edit").click()
    return page.url


def test_save_keeps_the_page_and_the_next_save_sends_the_new_version(page: Page, live_server):
    edit_url = _open_draft_step(page)
    version = page.locator("input[name=version]")
    before = int(version.input_value())
    for n in (1, 2):  # twice on the same page: a stale version would make the second a conflict
        page.fill("#synopsis_short", f"Saved in place {n}.")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(version).to_have_value(str(before + n))
        expect(page.locator("[data-save-status]")).to_contain_text("Saved at")
        assert page.url == edit_url
    page.reload()
    expect(page.locator("#synopsis_short")).to_have_value("Saved in place 2.")


def test_a_draft_saves_itself_a_few_seconds_after_typing(page: Page, live_server):
    _open_draft_step(page)
    page.fill("#synopsis_short", "Nobody pressed Save.")
    expect(page.locator("[data-save-status]")).to_contain_text("Saved at", timeout=15_000)
    page.reload()
    expect(page.locator("#synopsis_short")).to_have_value("Nobody pressed Save.")


def test_a_rejected_field_falls_back_to_the_page_that_explains_it(page: Page, live_server):
    _open_draft_step(page)
    page.fill("#runtime_minutes", "9000")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field.has-error .error")).to_be_visible()
    expect(page.locator(".flash-warning")).to_contain_text("The other fields are saved")


def test_a_save_while_the_database_is_away_says_so_and_keeps_the_page(page: Page, live_server, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from festival.submissions import services

    edit_url = _open_draft_step(page)
    real_save_step = services.save_step

    def database_away(*args, **kwargs):
        raise OperationalError("UPDATE entry", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(services, "save_step", database_away)  # the live server runs in this process
    page.fill("#synopsis_short", "Typed while the database restarts.")
    page.get_by_role("button", name="Save", exact=True).click()
    status = page.locator("[data-save-status]")
    expect(status).to_contain_text("The database is not answering just now")
    assert page.url == edit_url
    expect(page.locator("#synopsis_short")).to_have_value("Typed while the database restarts.")

    monkeypatch.setattr(services, "save_step", real_save_step)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(status).to_contain_text("Saved at")
    page.reload()
    expect(page.locator("#synopsis_short")).to_have_value("Typed while the database restarts.")
