"""The overview's heat map on a laptop screen: the theaters' names stay in view while the days scroll."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from festival.extensions import db
from festival.models import Edition, TimetableVersion
from festival.models.enums import VersionStatus
from tests.browser.test_timetable_journey import _login_as_staff

pytestmark = pytest.mark.browser


def test_the_row_labels_stay_in_view_when_the_days_scroll(page: Page, live_app):
    with live_app.app_context():
        version_id = db.session.scalar(
            sa.select(TimetableVersion.id)
            .join(Edition, Edition.id == TimetableVersion.edition_id)
            .where(Edition.slug == "bjiff-11-st", TimetableVersion.status == VersionStatus.PUBLISHED)
        )
        db.session.remove()
    page.set_viewport_size({"width": 1280, "height": 800})
    _login_as_staff(page)
    page.goto(f"/staff/timetable/versions/{version_id}/overview")
    scroller = page.locator(".heat-scroll")
    label = page.locator("table.heat tbody th").first
    expect(label).to_be_visible()
    assert scroller.evaluate("el => el.scrollWidth > el.clientWidth"), "the window is wider than the screen"
    left = scroller.bounding_box()["x"]
    first_day = page.locator("table.heat tbody tr").first.locator("td").first
    before = first_day.bounding_box()["x"]
    scroller.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert first_day.bounding_box()["x"] < before - 100  # the days moved left ...
    box = label.bounding_box()
    assert abs(box["x"] - left) < 2 and box["width"] > 20  # ... the theater's name did not
    # and it is drawn above the cells that slid under it
    at_label = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th') !== null",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert at_label
    page.screenshot(path="test-results/timetable-8-heat-map-scrolled.png")
