"""Deciding with the timetable in view (issue 18): the lead curator stages a decision and watches the
screen time by theater group change without a reload (static/js/capacity.js); staff open a screening's
"why here" and find the other starts, with what stops each and a valid one to move to."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from festival.extensions import db
from festival.models import TimetableVersion
from festival.models.enums import EditionStatus, EntryStatus, FilmFormat, Role, VersionStatus
from festival.review import services
from tests import factories
from tests.browser.test_timetable_journey import _login_as_staff
from tests.schedule.conftest import screen

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
LEAD = "lead-decide@example.org"


@pytest.fixture(scope="module")
def selection(live_app):
    """An edition of its own under review (May 2020, before the demo's window): a Dome, a dome panel led by
    a curator, two accepted dome films in a draft (Aurora at 10:00 and Blue Planet at 11:00 on Wednesday
    6 May, Aurora again on Saturday 9 May at 14:00) and a submitted dome film to decide."""
    with live_app.app_context():
        edition = factories.edition(
            status=EditionStatus.REVIEW,
            first_day=date(2020, 5, 5),
            last_day=date(2020, 5, 18),
            slug="decide-test",
        )
        venue = factories.venue(edition, code="museum", name="Museum")
        dome = factories.theater(venue, code="dome", name="Dome Theater", position=0)
        staff = factories.user(role=Role.STAFF)
        lead = factories.user(role=Role.CURATOR, email=LEAD, name="Lead Curator")
        panel = services.create_panel(edition, name="Dome panel", film_format=FilmFormat.DOME, actor=staff)
        services.add_member(panel, lead, is_lead=True, actor=staff)
        owner = factories.user(role=Role.FILMMAKER)
        films = []
        for title, minutes in (("Aurora Dome", 30), ("Blue Planet", 40)):
            entry = factories.entry(
                edition, owner, EntryStatus.SUBMITTED, title_en=title, title_original=title,
                format=FilmFormat.DOME, runtime_minutes=minutes,
            )  # fmt: skip
            factories.accepted(entry, min_screenings=1, max_screenings=3, popularity=150)
            films.append(entry)
        candidate = factories.entry(
            edition, owner, EntryStatus.SUBMITTED, title_en="Comet Hunters", title_original="Comet Hunters",
            format=FilmFormat.DOME, runtime_minutes=45,
        )  # fmt: skip
        draft = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
        db.session.add(draft)
        db.session.flush()
        screen(draft, films[0], dome, datetime(2020, 5, 6, 10, tzinfo=TZ))
        blue = screen(draft, films[1], dome, datetime(2020, 5, 6, 11, tzinfo=TZ))
        screen(draft, films[0], dome, datetime(2020, 5, 9, 14, tzinfo=TZ))
        db.session.commit()
        ids = {
            "edition": edition.id,
            "panel": panel.id,
            "candidate": candidate.id,
            "draft": draft.id,
            "blue": blue.id,
        }
        db.session.remove()
    return ids


def _login(page: Page, email: str) -> None:
    page.context.clear_cookies()
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_be_visible()


def _needed(page: Page) -> str:
    return page.locator("#capacity table.capacity-groups tbody tr").first.locator("td").nth(2).inner_text()


def test_the_lead_stages_a_decision_and_watches_the_capacity_change(page: Page, selection):
    page.set_viewport_size({"width": 1366, "height": 900})
    _login(page, LEAD)
    page.goto(f"/review/entries/{selection['candidate']}/decision")
    panel = page.locator("#capacity")
    expect(panel).to_contain_text("Screen time by theater group")
    expect(panel.locator("table.capacity-groups")).to_contain_text("Dome Theater")
    url = page.url

    page.fill("#min_screenings", "2")
    page.fill("#max_screenings", "3")
    page.fill("#popularity", "100")
    expect(panel.locator(".capacity-use")).to_contain_text("Accepting it uses")
    # Aurora 30 + 15, Blue Planet 40 + 15 (one screening each), Comet Hunters 2 x (45 + 15)
    expect(panel.locator("table.capacity-groups")).to_contain_text("3 h 40 min")
    page.fill("#min_screenings", "3")
    expect(panel.locator("table.capacity-groups")).to_contain_text("4 h 40 min")
    expect(panel.locator(".capacity-use")).to_contain_text("3 h 00 min")
    page.select_option("#outcome", "rejected")
    expect(panel.locator("table.capacity-groups")).to_contain_text("1 h 40 min")
    expect(panel.locator(".capacity-use")).to_have_count(0)
    assert page.url == url  # no reload, nothing saved
    page.screenshot(path="test-results/decide-1-capacity-staged.png", full_page=True)

    # the panel's ranking: ticking the film stages it with the bulk form's values
    page.goto(f"/review/ranking?edition={selection['edition']}&panel={selection['panel']}")
    ranking_panel = page.locator("#capacity")
    expect(ranking_panel.locator("table.capacity-groups")).to_contain_text("1 h 40 min")
    page.select_option("#outcome", "accepted")
    page.fill("#min_screenings", "2")
    page.locator("input.row-select").first.check()
    expect(ranking_panel.locator(".capacity-use")).to_contain_text("Accepting it uses")
    expect(ranking_panel.locator("table.capacity-groups")).to_contain_text("3 h 40 min")
    page.screenshot(path="test-results/decide-2-ranking-staged.png", full_page=True)


def test_a_screenings_why_here_lists_alternatives(page: Page, selection):
    page.set_viewport_size({"width": 1366, "height": 900})
    _login_as_staff(page)
    page.goto(f"/staff/timetable/versions/{selection['draft']}/screenings/{selection['blue']}")
    page.get_by_role("link", name=re.compile("Why here")).click()
    expect(page.locator("h2").first).to_contain_text("Why “Blue Planet” is here")
    expect(page.locator(".why-value")).to_contain_text("Expected attendance here")
    expect(page.locator(".why-loss")).to_contain_text("Without it")
    rows = page.locator(".why-places tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 2
    expect(page.locator(".why-places")).to_contain_text("“Aurora Dome” is already showing in Dome Theater")
    page.screenshot(path="test-results/decide-3-why-here.png", full_page=True)
    page.locator(".why-places tr.why-valid form.suggestion button").first.click()
    expect(page.locator(".flash-success")).to_contain_text("Screening moved.")
