"""Headless Chromium (Debian's, through Playwright) against the app served on 127.0.0.1.

The live server has its own migrated SQLite database with the demo festival loaded (and its 2021
timetable published), and CSRF on.
It is shared by the whole session (pytest-playwright's base_url is session-scoped), so journeys
should not depend on each other's leftovers.
"""

from __future__ import annotations

import os
import re
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from festival import create_app
from festival.extensions import db

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run on one pytest-xdist worker (``--dist loadgroup``): one Chromium and one demo-loaded
    live server serve them all, while the other workers take the rest of the suite."""
    found = os.path.exists(CHROMIUM)
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not found:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """A demo-loaded app on a fresh SQLite file, as a new user would run it."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'live.sqlite3'}",
            "UPLOAD_FOLDER": str(folder / "uploads"),
            "WTF_CSRF_ENABLED": True,
        }
    )
    from flask_migrate import upgrade

    from festival.demo.services import load_demo
    from festival.demo.timetable import demo_edition, publish_demo_timetable

    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        publish_demo_timetable(demo_edition(), actor=None, time_limit=3)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server


def mailed_link(live_app, email: str, prefix: str) -> str:
    """The path of the link starting with ``prefix`` (e.g. "/invitation/") in the live app's last mail to
    ``email``."""
    from festival.models import OutboxMail

    with live_app.app_context():
        try:
            mail = db.session.scalars(
                db.select(OutboxMail).where(OutboxMail.recipient == email).order_by(OutboxMail.id.desc())
            ).first()
            return re.search(rf"https?://\S*?({prefix}[A-Za-z0-9._\-]+)", mail.body).group(1)
        finally:
            db.session.remove()
