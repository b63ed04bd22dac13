"""Staff generate the timetable of an edition whose films travel as prints between two cities, open a
film's tour and publish, in a real browser. Screenshots go to test-results/."""

from __future__ import annotations

import copy
import json
import re
import secrets
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from festival.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path("test-results")
SMALL = Path(__file__).resolve().parents[2] / "data" / "instances" / "small.json"
SHIFT = timedelta(weeks=104)  # 2021 -> 2019, same weekdays: never the staff's default edition


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"tours-{name}.png"), full_page=True)


def _touring_instance() -> dict:
    """small.json two years earlier, in two cities (the museum in Beijing, a dome in Hefei two transit days
    away), three films on prints."""
    text = re.sub(
        r"2021-\d\d-\d\d",
        lambda m: (date.fromisoformat(m.group(0)) - SHIFT).isoformat(),
        SMALL.read_text(encoding="utf-8"),
    )
    data = json.loads(text)
    data["format"] = "festival-schedule-instance/2"
    museum = data["venues"][0]
    museum["city"] = "beijing"
    hefei = {**copy.deepcopy(museum), "id": "hf", "name": "Hefei Science Museum", "city": "hefei"}
    data["venues"].append(hefei)
    dome = next(t for t in data["theaters"] if t["id"] == "dome")
    data["theaters"].append({**copy.deepcopy(dome), "id": "hf-dome", "venue": "hf", "name": "Hefei Dome",
                             "unavailable": []})  # fmt: skip
    data["transit_days"] = {"default": 2, "pairs": []}
    for film in data["films"]:
        if film["id"] in ("f0001", "f0003"):
            film["prints"] = 1
        elif film["id"] == "f0005":
            film["prints"] = 2
    data["fixed"] = []
    return data


def _import(live_app, slug: str) -> None:
    from festival.demo.services import import_edition
    from festival.extensions import db
    from festival.models import User

    with live_app.app_context(), live_app.test_request_context():
        owner = db.session.scalar(db.select(User).where(User.email == "distributor@demo.festival"))
        import_edition(_touring_instance(), owner=owner, slug=slug, reference_prefix=slug.upper()[:12])
        db.session.commit()
        db.session.remove()


def test_staff_generate_a_touring_timetable_open_a_tour_and_publish(page: Page, live_app, live_server):
    slug = f"tour-{secrets.token_hex(3)}"
    _import(live_app, slug)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", "staff@demo.festival")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_contain_text("Li Ming")

    # the prints staff recorded (here: imported with the edition)
    page.goto(f"/admin/editions/{slug}/prints")
    expect(page.locator("#prints")).to_contain_text("digital")
    expect(page.locator("#prints tbody tr", has_text="Robot Time Atom").locator("td").first).to_have_text("2")

    # generate: the testing queue runs the solver during the POST
    page.goto(f"/staff/timetable/runs?edition={slug}")
    page.fill("#time_limit", "3")
    page.locator("form.run-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/timetable/runs/\d+$"))
    expect(page.locator("h1 .run-status")).to_have_text(re.compile("finished|stopped"), timeout=60_000)
    page.get_by_role("link", name=re.compile(r"Open Draft \d+")).click()
    expect(page.locator(".version-head .badge")).to_have_text("draft")

    # the tours: every touring film, then one film's prints day by day
    page.locator("nav.tabs a", has_text="Print tours").click()
    expect(page.locator("#tours tbody tr")).to_have_count(4)  # 1 + 1 + 2 prints
    _shot(page, "1-tours")
    page.locator("#tours a").first.click()
    expect(page.locator("#tour-days tbody tr")).to_have_count(14)  # the window's fourteen days
    expect(page.locator("#tour-days td.tour-screening").first).to_be_visible()
    _shot(page, "2-film-tour")
    version_url = re.match(r"(.*/versions/\d+)/", page.url).group(1)
    csv = page.request.get(f"{version_url}/tours.csv")
    assert csv.ok and csv.headers["content-type"].startswith("text/csv")
    assert csv.text().splitlines()[0].lstrip("\ufeff").startswith("Film,Film print,From venue")

    # publish
    page.locator("nav.tabs a", has_text="Publish").click()
    warnings = page.locator("input[name=accept_warnings]")
    if warnings.count():
        warnings.check()
    page.locator(".publish-form button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Version 1 is now the public programme.")
    expect(page.locator(".version-head .badge")).to_have_text("published")
    page.locator("nav.tabs a", has_text="Print tours").click()
    expect(page.locator("#tours")).to_be_visible()
    _shot(page, "3-published-tours")
