"""In a real browser: staff generate a timetable, watch the live progress update by itself, press Stop
and get the best timetable as a new draft. The app runs its embedded SQLite queue and worker thread,
as scripts/serve does. Screenshots go to test-results/."""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from festival import create_app
from festival.demo.services import DEMO_PASSWORD
from festival.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path("test-results")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium not found at {CHROMIUM}"),
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    from tests.browser.conftest import CHROMIUM_ARGS

    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def queued_server(tmp_path_factory):
    """The demo on a fresh SQLite file, served with a real job queue and its embedded worker."""
    folder = tmp_path_factory.mktemp("runs-live")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": True,
            "JOB_QUEUE_IMMEDIATE": False,
            "JOB_QUEUE_PATH": str(folder / "jobs.sqlite3"),
        }
    )
    from flask_migrate import upgrade

    from festival.demo.services import load_demo

    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()
    consumer = app.extensions["festival.start_embedded_worker"](app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)
    consumer.stop(graceful=True)
    with app.app_context():
        db.engine.dispose()


def test_staff_watch_live_progress_and_stop_keeps_the_best_timetable(page, queued_server):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{queued_server}/auth/login")
    page.get_by_role("link", name="English").click()
    page.fill("#email", "staff@demo.festival")
    page.fill("#password", DEMO_PASSWORD)
    page.locator("form button[type=submit].primary").click()
    expect(page.locator(".who")).to_contain_text("Li Ming")

    page.goto(f"{queued_server}/staff/timetable/runs?edition=bjiff-11-st")
    page.fill("#time_limit", "90")
    page.locator("form.run-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/timetable/runs/\d+$"))

    # the page updates itself: status, objective, bound, and the elapsed time keeps moving
    expect(page.locator("h1 [data-field=status_label]")).to_have_text("running", timeout=30_000)
    expect(page.locator("[data-field=objective]")).not_to_have_text("–", timeout=30_000)
    first = float(page.text_content("[data-field=elapsed]"))
    expect(page.locator("[data-field=elapsed]")).not_to_have_text(str(first), timeout=5_000)
    # the bound comes after the first timetable (the LP relaxation): the bar fills in once it is known
    expect(page.locator("#gap-bar")).to_have_attribute("value", re.compile(r"^\d"), timeout=30_000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "solver-run-progress.png"), full_page=True)

    page.get_by_role("button", name="Stop and keep the best timetable").click()
    expect(page.locator(".run-result")).to_be_visible(timeout=60_000)
    expect(page.locator("h1 .run-status")).to_have_text("stopped")
    expect(page.locator(".run-result")).to_contain_text("stopped early, the best timetable found was kept")
    expect(page.get_by_role("link", name=re.compile(r"Open Draft \d+"))).to_be_visible()
    expect(page.get_by_role("link", name="Download the schedule (JSON)")).to_be_visible()
    page.screenshot(path=str(SHOTS / "solver-run-result.png"), full_page=True)
