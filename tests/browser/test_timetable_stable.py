"""A published programme changes only on purpose (issue 16): staff withdraw a film, re-solve, see how few
published screenings the draft moves, preview the filmmakers' mails, publish; the mails are in the outbox,
one per film whose screenings changed. Runs after test_timetable_journey, on the version it published."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from festival.extensions import db
from festival.models import OutboxMail, Screening, TimetableVersion
from festival.schedule import notices
from tests.browser.test_timetable_journey import _login_as_staff

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")


def _count(page: Page, selector: str) -> int:
    return int(re.search(r"\d+", page.locator(selector).first.inner_text()).group())


def _db(live_app, read):
    with live_app.app_context():
        try:
            return read()
        finally:
            db.session.remove()


def test_staff_withdraw_a_film_re_solve_and_publish_with_the_filmmakers_told(page: Page, live_app):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())
    _login_as_staff(page)
    page.goto("/staff/timetable/?edition=bjiff-11-st")
    page.locator("a.button", has_text=re.compile(r"^Open version \d+$")).click()
    public_id = int(re.search(r"/versions/(\d+)", page.url).group(1))

    # withdraw the public version's first film from the programme (its entry's staff page)
    page.locator("nav.tabs a", has_text="Films").click()
    row = page.locator("tr[id^=film-]").filter(has=page.locator("a[href*='/screenings/']")).first
    entry_id = int(row.get_attribute("id").split("-")[1])
    title = row.locator("td").first.inner_text().splitlines()[0].strip()
    page.goto(f"/entries/{entry_id}")
    page.locator(".staff-tools button.danger", has_text="Withdraw from the programme").click()
    expect(page.locator(".flash-success")).to_contain_text("The film is withdrawn")

    def public_counts():
        rows = db.session.execute(
            sa.select(Screening.entry_id).where(Screening.timetable_id == public_id)
        ).scalars()
        rows = list(rows)
        return len(rows), sum(1 for e in rows if e == entry_id)

    public, withdrawn = _db(live_app, public_counts)
    assert withdrawn > 0

    # re-solve: the move cost in force is shown before, the changes against the public version after
    page.goto("/staff/timetable/runs?edition=bjiff-11-st")
    expect(page.locator("main")).to_contain_text("Move cost in force: 1,000.")
    page.fill("#time_limit", "10")
    page.locator("form.run-form button[type=submit]").click()
    result = page.locator("a.button.primary[href*='/staff/timetable/versions/']")
    expect(result).to_be_visible(timeout=120_000)
    moved, removed = _count(page, ".run-changes .badge.moved"), _count(page, ".run-changes .badge.removed")
    assert removed >= withdrawn  # the withdrawn film's screenings go
    assert moved <= 0.02 * (public - withdrawn), f"{moved} of {public - withdrawn} published screenings moved"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "timetable-9-resolve-after-withdrawal.png"), full_page=True)

    # the publish page: the summary first, then the mails staff can read before anything is sent
    result.click()
    page.locator("nav.tabs a", has_text="Publish").click()
    summary = page.locator(".publish-summary")
    expect(summary).to_contain_text(title)
    previews = page.locator(".mails-preview details.mail-preview summary span[lang]")  # collapsed
    subjects = [s.strip() for s in previews.evaluate_all("spans => spans.map(s => s.textContent)")]
    assert any(title in s for s in subjects), (title, subjects[:5])
    affected = _count(page, ".publish-summary p:has-text('affected:')")
    assert len(subjects) == affected  # one mail per film whose screenings changed
    page.screenshot(path=str(SHOTS / "timetable-10-publish-summary.png"), full_page=True)
    before = _db(live_app, lambda: db.session.scalar(sa.select(sa.func.max(OutboxMail.id))) or 0)
    warnings = page.locator("input[name=accept_warnings]")
    if warnings.count():
        warnings.check()
    page.locator(".publish-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("is now the public programme.")

    sent = _db(
        live_app,
        lambda: [
            m.subject
            for m in db.session.scalars(
                sa.select(OutboxMail).where(OutboxMail.id > before, OutboxMail.kind == notices.KIND)
            )
        ],
    )
    assert sorted(sent) == sorted(subjects)  # exactly the mails previewed, in the outbox
    new_public = _db(
        live_app,
        lambda: db.session.scalar(
            sa.select(sa.func.count()).where(
                Screening.timetable_id
                == sa.select(sa.func.max(TimetableVersion.id))
                .where(TimetableVersion.published_at.is_not(None))
                .scalar_subquery(),
                Screening.entry_id == entry_id,
            )
        ),
    )
    assert new_public == 0  # the withdrawn film is off the public programme
