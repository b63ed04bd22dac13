"""The whole product in one browser journey, through the UI only: a new filmmaker registers, confirms
the address with the link from the mail, enters a fulldome film and submits it; a curator reviews it;
staff accept it and release the decisions; staff copy venues into the open edition, generate and
publish its timetable; a visitor finds the film in the public programme and downloads its calendar
file. Screenshots go to test-results/journey-*.png."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from icalendar import Calendar
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")
PASSWORD = "Journey-Screen-2026"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"journey-{name}.png"), full_page=True)


def _login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_be_visible()


def _logout(page: Page) -> None:
    page.context.clear_cookies()


def _confirmation_link(live_app, email: str) -> str:
    from festival.extensions import db
    from festival.models import OutboxMail

    with live_app.app_context():
        mail = db.session.scalars(
            db.select(OutboxMail).where(OutboxMail.recipient == email).order_by(OutboxMail.id.desc())
        ).first()
        assert mail is not None, f"no mail to {email}"
        match = re.search(r"https?://\S*?(/auth/confirm/[A-Za-z0-9._\-]+)", mail.body)
        assert match, mail.body
        db.session.remove()
    return match.group(1)


def _mail_count(live_app, email: str) -> int:
    from festival.extensions import db
    from festival.models import OutboxMail

    with live_app.app_context():
        count = db.session.scalar(
            db.select(db.func.count()).select_from(OutboxMail).where(OutboxMail.recipient == email)
        )
        db.session.remove()
    return count


def _fill_generic(page: Page) -> None:
    """Answer every still-empty question of the step form (format-specific technical questions)."""
    form = page.locator("form.entry-form")
    for select in form.locator("select").all():
        if not select.input_value():
            values = [v for v in select.locator("option").evaluate_all("os => os.map(o => o.value)") if v]
            select.select_option(values[0])
    for text in form.locator("input[type=text]").all():
        if text.is_visible() and not text.input_value():
            text.fill("4K")


def _save_and_continue(page: Page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved")


def _register_and_submit(page: Page, live_app, email: str, title: str, tmp_path: Path) -> str:
    page.goto("/auth/register")
    page.get_by_role("link", name="English").click()
    page.fill("#name", "Journey Filmmaker")
    page.fill("#organisation", "Journey Dome Studio")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    # the same answer for a new and a known address: "we sent a message", then the login page
    expect(page.locator(".flash-success")).to_contain_text("We sent a message to")
    _shot(page, "01-registered")

    page.goto(_confirmation_link(live_app, email))
    expect(page.locator(".flash-success")).to_contain_text("is confirmed")
    _login(page, email, PASSWORD)

    page.goto("/entries/")
    page.get_by_role("button", name="Enter a new film").first.click()

    # 1. the film
    page.fill("#title_original", title)
    page.fill("#title_en", title)
    page.select_option("#format", "dome")
    page.fill("#runtime_minutes", "30")
    page.fill("#year", "2025")
    page.fill("#country", "Norway")
    page.fill("#languages", "English")
    page.fill("#subtitles", "Chinese")
    page.fill("#synopsis_short", "A journey under the aurora, on the whole dome.")
    page.fill("#synopsis_long", "A long synopsis of a journey under the aurora, made for planetariums.")
    page.locator("input[name=audiences]").first.check()
    page.select_option("#premiere_status", "asian")
    _save_and_continue(page)

    # 2. people & rights
    page.fill("#director", "Ada Journey")
    page.fill("#production_company", "Journey Dome Studio")
    page.fill("#rights_holder", "Journey Dome Studio")
    page.fill("#contact_name", "Ada Journey")
    page.fill("#contact_email", email)
    page.fill("#contact_phone", "+47 555 0100")
    _fill_generic(page)
    _save_and_continue(page)

    # 3. technical: the common questions and the fulldome ones
    _fill_generic(page)
    _shot(page, "02-technical-step")
    _save_and_continue(page)

    # 4. links & images
    page.fill("#trailer_url", "https://vimeo.com/123456789")
    page.fill("#screener_url", "https://vimeo.com/987654321")
    page.fill("#screener_password", "aurora")
    poster = tmp_path / "poster.png"
    Image.new("RGB", (600, 900), (20, 40, 120)).save(poster)
    upload = page.locator("form.upload-form")
    page.set_input_files("form.upload-form input[type=file]", str(poster))
    upload.get_by_role("button", name="Upload").click()
    expect(page.locator(".flash-success")).to_contain_text("The image is uploaded.")
    _save_and_continue(page)

    # 5. review & submit
    _shot(page, "03-review-step")
    page.check("#accept_terms")
    page.get_by_role("button", name="Submit the entry").click()
    flash = page.locator(".flash-success")
    expect(flash).to_contain_text("submitted with the reference")
    reference = re.search(r"[A-Z0-9]+-[A-Z]+-\d+", flash.inner_text()).group(0)
    _shot(page, "04-submitted")
    return reference


def _entry_id_from(page: Page) -> int:
    return int(re.search(r"/review/entries/(\d+)", page.url).group(1))


def _review(page: Page, title: str) -> int:
    _login(page, "curator1@demo.festival")
    page.goto(f"/review/?q={title}")
    page.get_by_role("link", name=title).first.click()
    entry_id = _entry_id_from(page)
    scores = page.locator("fieldset.scores input")
    assert scores.count() >= 1
    for i in range(scores.count()):
        box = scores.nth(i)
        box.fill(box.get_attribute("max") or "5")
    page.fill("#comment", "Stunning use of the whole dome; the aurora sequence is a festival highlight.")
    _shot(page, "05-curator-review")
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".flash-success")).to_be_visible()
    _logout(page)
    return entry_id


def _accept_and_release(page: Page, entry_id: int, reference: str) -> None:
    _login(page, "staff@demo.festival")
    page.goto(f"/review/entries/{entry_id}")
    page.get_by_role("link", name="Decide").click()
    page.select_option("#outcome", "accepted")
    page.fill("#min_screenings", "1")
    page.fill("#max_screenings", "2")
    page.fill("#popularity", "150")
    _shot(page, "06-decision")
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".flash-success")).to_be_visible()

    page.goto("/review/staff/release")
    page.locator("#select-all").uncheck()
    page.get_by_label(f"Release {reference}").check()
    page.check("#confirm")
    page.get_by_role("button", name="Release the selected decisions").click()
    expect(page.locator(".flash-success")).to_contain_text("1 decision released; the filmmaker was e-mailed.")
    _shot(page, "07-released")
    _logout(page)


def _publish_a_timetable(page: Page, edition_slug: str) -> None:
    _login(page, "staff@demo.festival")
    page.goto("/staff/venues/")
    page.select_option("form.edition-switch #edition", edition_slug)
    page.locator("form.edition-switch button[type=submit]").click()
    expect(page.get_by_text("This edition has no venue yet.")).to_be_visible()

    # the open edition borrows the 2021 edition's venues and theaters
    copy = page.locator("form.copy-venues")
    options = copy.locator("option").evaluate_all("os => os.map(o => [o.value, o.textContent])")
    source = next(value for value, label in options if "2021" in label or "11" in label)
    copy.locator("select").select_option(source)
    copy.get_by_role("button", name="Copy").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_text("This edition has no venue yet.")).to_have_count(0)
    _shot(page, "08-venues-copied")

    # generate: the testing queue runs the solver during the POST
    page.get_by_role("link", name="Generate timetable").click()
    page.fill("#time_limit", "5")
    page.locator("form.run-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/timetable/runs/\d+$"))
    expect(page.locator("h1 .run-status")).to_have_text(re.compile("finished|stopped"), timeout=60_000)
    _shot(page, "09-run-finished")
    page.get_by_role("link", name=re.compile(r"Open Draft \d+")).click()
    expect(page.locator(".version-head .badge")).to_have_text("draft")
    _shot(page, "10-draft")

    page.locator("nav.tabs a", has_text="Publish").click()
    warnings = page.locator("input[name=accept_warnings]")
    if warnings.count():
        warnings.check()
    page.locator(".publish-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("is now the public programme.")
    expect(page.locator(".version-head .badge")).to_have_text("published")
    _shot(page, "11-published")
    _logout(page)


def _visitor_downloads_the_calendar(browser: Browser, base_url: str, edition_slug: str, title: str) -> None:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="en-US")
    try:
        page = context.new_page()
        page.goto(f"/programme/{edition_slug}/")
        page.select_option("#f-format", "dome")
        expect(page.locator("#f-format")).to_have_value("dome")
        expect(page).to_have_url(re.compile(r"format=dome"))
        page.locator("a.day").first.click()
        film = page.locator(".screening-list a.title", has_text=title)
        for _ in range(120):
            if film.count():
                break
            page.locator("a[rel=next]").first.click()
            page.wait_for_load_state()
        _shot(page, "12-public-programme")
        film.first.click()
        expect(page.locator("h1")).to_contain_text(title)
        _shot(page, "13-public-film-page")
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Add all screenings to my calendar").click()
        ics = Path(download_info.value.path()).read_bytes()
    finally:
        context.close()
    calendar = Calendar.from_ical(ics)
    summaries = [str(event.get("SUMMARY")) for event in calendar.walk("VEVENT")]
    assert summaries, ics
    assert any(title in summary for summary in summaries), summaries


def test_full_journey_from_registration_to_the_public_calendar(
    page: Page, browser: Browser, live_app, live_server, tmp_path
):
    page.set_viewport_size({"width": 1366, "height": 900})
    token = uuid.uuid4().hex[:8]
    email = f"journey-{token}@example.org"
    title = f"Aurora Journey {token}"

    reference = _register_and_submit(page, live_app, email, title, tmp_path)
    assert re.fullmatch(r"BJIFF\d+-[A-Z]+-\d+", reference), reference
    _logout(page)

    entry_id = _review(page, title)
    mails_before = _mail_count(live_app, email)
    _accept_and_release(page, entry_id, reference)
    assert _mail_count(live_app, email) > mails_before  # the decision letter

    edition_slug = "bjiff-{}-st".format(re.match(r"BJIFF(\d+)-", reference).group(1))
    _publish_a_timetable(page, edition_slug)
    _visitor_downloads_the_calendar(browser, live_server, edition_slug, title)
