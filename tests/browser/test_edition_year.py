"""Issue 16's acceptance, the editions and people part, through the UI in real Chromium: the admin creates
the next edition as a copy of 2021, edits its demand settings (preview, then save), opens the call and
invites a curator; a filmmaker registers and submits; the invited curator accepts the invitation and
scores; staff close the call and accept the film. Screenshots go to test-results/edition-*.png; with
DOC_SCREENSHOTS=1 those of docs/running-an-edition.md are refreshed in docs/img/ too."""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_full_journey import (
    PASSWORD,
    _accept_and_release,
    _confirmation_link,
    _enter_film,
    _login,
    _logout,
    _mailed_link,
    _register,
)

pytestmark = pytest.mark.browser
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
SHOTS = Path("test-results")


def _shot(page: Page, name: str, *, docs: bool = False) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"edition-{name}.png"), full_page=True)
    if docs and os.environ.get("DOC_SCREENSHOTS"):  # DOC_SCREENSHOTS=1 refreshes the docs' pictures
        DOCS_IMG.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOCS_IMG / f"edition-{name}.png"), full_page=False)


def _copy_2021(page: Page, slug: str, prefix: str) -> None:
    """The admin copies the 2021 edition into a new one whose call closes in 200 days (after the demo's
    open call, so other journeys keep entering films in theirs)."""
    _login(page, "admin@demo.festival")
    page.get_by_role("link", name="Editions").click()
    row = page.locator("tr", has=page.locator("text=bjiff-11-st"))
    row.get_by_role("link", name="Copy for a new edition").click()
    deadline = date.today() + timedelta(days=200)
    first = date(deadline.year + 1, 4, 1)
    page.fill("#name", f"Edition {prefix}")
    page.fill("#name_zh", f"第{prefix}届科技单元")
    page.fill("#slug", slug)
    page.fill("#reference_prefix", prefix)
    page.fill("#entry_deadline", f"{deadline.isoformat()}T23:59")
    page.fill("#first_day", first.isoformat())
    page.fill("#last_day", date(first.year, 5, 31).isoformat())
    page.check("input[name=formats][value=dome]")
    page.check("input[name=formats][value=giant_screen]")
    page.fill("#terms", "Entrants hold the rights to screen their film at the festival free of charge.")
    page.fill("#terms_zh", "报名者拥有在电影节免费放映其影片的权利。")
    _shot(page, "01-copy", docs=True)
    page.get_by_role("button", name="Create the copy").click()
    expect(page.locator(".flash-success")).to_contain_text("The copy is created")
    expect(page.locator("h1")).to_have_text(f"Edition {prefix}")
    expect(page.locator(".status-strip [aria-current=step]")).to_have_text("Draft")


def _demand(page: Page, slug: str) -> None:
    page.goto(f"/admin/editions/{slug}")
    page.get_by_role("link", name="Demand settings and public holidays").click()
    # a holiday of the new year, then the weights: the preview changes the calendar, not the edition
    holiday = page.locator("form.holiday-form")
    first_day = page.locator(".demand-calendar td[title]").first.get_attribute("title")[:10]
    labour_day = f"{first_day[:4]}-05-01"
    holiday.locator("#day").fill(labour_day)
    holiday.locator("#name").fill("Labour Day")
    holiday.locator("#name_zh").fill("劳动节")
    holiday.get_by_role("button", name="Add the day").click()
    expect(page.locator(".flash-success")).to_contain_text("The day is added")
    page.fill("#holiday_weight", "2.5")
    page.fill("#sat", "1.8")
    page.fill("#breaks", f"{first_day[:4]}-05-20 - {first_day[:4]}-05-31 1.3 School trips")
    page.fill("#move_cost", "1500")
    page.get_by_role("button", name="Preview the calendar").click()
    cell = page.locator(f".demand-calendar td[title^='{labour_day}']")
    expect(cell.locator(".w")).to_have_text("2.5")
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "03-demand", docs=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("The demand settings are saved.")
    expect(page.locator("#move_cost")).to_have_value("1500")


def _open_and_invite(page: Page, slug: str, curator_email: str) -> None:
    page.goto(f"/admin/editions/{slug}")
    page.get_by_role("button", name="Open the call").click()
    expect(page.locator(".status-strip [aria-current=step]")).to_have_text("Call open")
    _shot(page, "02-state", docs=True)
    page.get_by_role("link", name="People").click()
    page.fill("#name", "Invited Curator")
    page.fill("#email", curator_email)
    page.check("input[name=roles][value=curator]")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".flash-success")).to_contain_text(curator_email)
    _logout(page)


def _filmmaker_enters(page: Page, live_app, slug: str, prefix: str, title: str, tmp_path: Path) -> str:
    email = f"year-{uuid.uuid4().hex[:8]}@example.org"
    page.goto("/language/en?next=/")
    call = page.locator("article.call", has_text=f"Edition {prefix}")
    expect(call.get_by_text("Beijing time")).to_be_visible()
    _shot(page, "04-home", docs=True)
    call.get_by_role("link", name="Enter a film").click()
    _register(page, "Year Filmmaker", "Year Dome Studio", email)
    page.goto(_confirmation_link(live_app, email))
    page.goto("/auth/login?next=/entries/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page).to_have_url(re.compile(r"/entries/$"))  # a new filmmaker lands on their entries
    page.locator("article.call", has_text=f"Edition {prefix}").get_by_role(
        "button", name="Enter a new film"
    ).click()

    formats = page.locator("#format option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
    assert sorted(formats) == ["dome", "giant_screen"]  # the formats this call takes
    _enter_film(page, email, title, tmp_path)
    page.get_by_text("Read the terms of entry").click()
    expect(page.get_by_text("free of charge")).to_be_visible()
    page.check("#accept_terms")
    page.get_by_role("button", name="Submit the entry").click()
    flash = page.locator(".flash-success")
    expect(flash).to_contain_text("submitted with the reference")
    reference = re.search(rf"{prefix}-\d+", flash.inner_text()).group(0)
    _logout(page)
    return reference


def _entry_id(live_app, reference: str) -> int:
    from festival.extensions import db
    from festival.models import Entry

    with live_app.app_context():
        entry_id = db.session.scalar(db.select(Entry.id).where(Entry.reference == reference))
        db.session.remove()
    return entry_id


def _curator_accepts(page: Page, live_app, email: str) -> None:
    page.goto(_mailed_link(live_app, email, "/invitation/"))
    expect(page.locator("#name")).to_have_value("Invited Curator")
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".flash-success")).to_contain_text("the invitation is accepted")
    _shot(page, "05-invitation-accepted")
    _logout(page)


def _staff_assign(page: Page, entry_id: int, email: str) -> None:
    _login(page, "staff@demo.festival")
    page.goto(f"/review/entries/{entry_id}")
    page.select_option("#curator", label=f"Invited Curator <{email}>")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    _logout(page)


def _curator_scores(page: Page, email: str, entry_id: int) -> None:
    _login(page, email, PASSWORD)
    page.goto(f"/review/entries/{entry_id}")
    scores = page.locator("fieldset.scores input")
    assert scores.count() >= 1
    for i in range(scores.count()):
        box = scores.nth(i)
        box.fill(box.get_attribute("max") or "5")
    page.fill("#comment", "A bright start to the year.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator(".flash-success")).to_be_visible()
    _logout(page)


def test_a_new_edition_from_copy_to_accepted_films(page: Page, live_app, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 900})
    token = uuid.uuid4().hex[:4].upper()
    slug, prefix = f"year-{token.lower()}", f"Y{token}"
    curator_email = f"curator-{token.lower()}@example.org"
    title = f"Dome Year {token}"

    _copy_2021(page, slug, prefix)
    _demand(page, slug)
    _open_and_invite(page, slug, curator_email)
    reference = _filmmaker_enters(page, live_app, slug, prefix, title, tmp_path)
    entry_id = _entry_id(live_app, reference)
    _curator_accepts(page, live_app, curator_email)
    _staff_assign(page, entry_id, curator_email)
    _curator_scores(page, curator_email, entry_id)
    _accept_and_release(page, live_app, entry_id, reference, slug)
    _login(page, "staff@demo.festival")
    page.goto(f"/admin/editions/{slug}")
    expect(page.locator(".status-strip [aria-current=step]")).to_have_text("Call closed: review")
