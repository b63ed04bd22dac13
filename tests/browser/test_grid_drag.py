"""Dragging a screening in a draft's day grid (static/js/grid_drag.js): the drop posts the screening page's
move form, the server checks every rule; a refused drop shows the reasons and the nearest valid starts."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from festival.extensions import db
from festival.models import TimetableVersion
from festival.models.enums import EditionStatus, EntryStatus, FilmFormat, Role, VersionStatus
from tests import factories
from tests.browser.test_timetable_journey import _login_as_staff
from tests.schedule.conftest import screen

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def small_draft(live_app):
    """An edition of its own in the live database: a Dome and a Small Dome, two films, a draft with Film A
    at 10:00 and Film B at 11:00 in the Dome on Wednesday 1 April 2020 (before the demo's window, so the
    timetable home keeps showing the demo to the other journeys sharing the database)."""
    with live_app.app_context():
        edition = factories.edition(
            status=EditionStatus.CLOSED,
            first_day=date(2020, 3, 31),
            last_day=date(2020, 4, 6),
            slug="drag-test",
        )
        venue = factories.venue(edition, code="museum", name="Museum")
        dome = factories.theater(venue, code="dome", name="Dome", position=0)
        small = factories.theater(venue, code="small", name="Small Dome", position=1)
        owner = factories.user(role=Role.FILMMAKER)
        films = []
        for title, minutes in (("Aurora Dome", 30), ("Blue Planet", 40)):
            entry = factories.entry(
                edition, owner, EntryStatus.SUBMITTED, title_en=title, title_original=title,
                format=FilmFormat.DOME, runtime_minutes=minutes,
            )  # fmt: skip
            factories.accepted(entry, min_screenings=1, max_screenings=3, popularity=150)
            films.append(entry)
        draft = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
        db.session.add(draft)
        db.session.flush()
        screenings = [
            screen(draft, entry, dome, datetime(2020, 4, 1, hour, 0, tzinfo=TZ))
            for entry, hour in zip(films, (10, 11), strict=True)
        ]
        db.session.commit()
        ids = {"draft": draft.id, "small": small.id, "aurora": screenings[0].id}
        db.session.remove()
    return ids


def _drag(page: Page, item, theater_id: int, clock: str) -> None:
    """Press ``item`` at its centre and release it where its top lands at ``clock`` in the theater."""
    head = page.locator(f".tt-head[data-theater='{theater_id}']").bounding_box()
    hour = page.locator(".tt-hour", has_text=clock[:3] + "00").bounding_box()
    box = item.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    target_y = hour["y"] + int(clock[3:]) * hour["height"] / 60 + box["height"] / 2
    page.mouse.move(head["x"] + head["width"] / 2, target_y, steps=8)
    page.mouse.up()


def test_staff_drag_a_screening_to_another_theater_and_start(page: Page, small_draft):
    page.set_viewport_size({"width": 1366, "height": 900})
    _login_as_staff(page)
    page.goto(f"/staff/timetable/versions/{small_draft['draft']}?day=2020-04-01")
    aurora = page.locator("a.tt-item.screening", has_text="Aurora Dome")
    expect(aurora).to_have_attribute(
        "data-move-url",
        f"/staff/timetable/versions/{small_draft['draft']}/screenings/{small_draft['aurora']}",
    )

    # a plain click still opens the screening's page (its form is the keyboard's way)
    aurora.click()
    expect(page).to_have_url(re.compile(rf"/screenings/{small_draft['aurora']}$"))
    page.go_back()

    # a drop the rules allow: Aurora Dome to the Small Dome at 14:00
    _drag(page, aurora, small_draft["small"], "14:00")
    expect(page.locator(".flash-success")).to_contain_text("Screening moved.")
    moved = page.locator("a.tt-item.screening", has_text="Aurora Dome")
    expect(moved).to_contain_text("14:00–14:30")
    assert "c-3" in moved.get_attribute("class")  # the second theater's column
    page.screenshot(path="test-results/timetable-6-dragged.png", full_page=True)

    # a drop the rules refuse: Blue Planet onto Aurora Dome's screening in the Small Dome
    _drag(page, page.locator("a.tt-item.screening", has_text="Blue Planet"), small_draft["small"], "14:15")
    expect(page.locator(".problems")).to_contain_text(
        "“Aurora Dome” is already showing in Small Dome until 14:30"
    )
    expect(page.locator(".suggestions form.suggestion").first).to_be_visible()
    page.screenshot(path="test-results/timetable-7-drag-refused.png", full_page=True)

    # one click takes the nearest valid start
    page.locator(".suggestions form.suggestion button").first.click()
    expect(page.locator(".flash-success")).to_contain_text("Screening moved.")
