"""Shared fixtures: an app on a migrated database (SQLite, or PostgreSQL via TEST_DATABASE_URL),
clients with and without CSRF, a login helper and model factories."""

from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa
from flask import g
from flask.testing import FlaskClient

from festival import create_app
from festival.extensions import db
from tests import factories

CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


# pytest-xdist's worker name ("gw0", "gw1", ...; None when the suite runs in one process)
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the test database (the `database_url` fixture): scripts/test's "
        "PostgreSQL run, where the others would only repeat the SQLite run's work",
    )


def pytest_configure(config):
    """Under pytest-xdist each worker has its own Redis database (1, 2, ...; 0 is the single process's),
    so their job queues never take each other's tasks. (Per-worker SQLite files come from each worker's
    own tmp_path_factory, PostgreSQL databases from ``database_url``, live servers use free ports.)"""
    redis_url = os.environ.get("TEST_REDIS_URL")
    if WORKER and redis_url:
        number = int(WORKER.removeprefix("gw")) + 1
        os.environ["TEST_REDIS_URL"] = (
            sa.make_url(redis_url).set(database=str(number)).render_as_string(hide_password=False)
        )


def pytest_collection_modifyitems(config, items):
    """``--database-tests-only``: drop the tests that never touch the test database (the engine's pure
    Python, the translation catalogue, SQLite-only migration round trips on their own files...): on
    PostgreSQL they would prove nothing the SQLite run did not."""
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if "database_url" in getattr(item, "fixturenames", ())]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database, migrated to head once per session (per pytest-xdist worker: its own SQLite
    file, or its own database on the PostgreSQL server of TEST_DATABASE_URL)."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        return migrated(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
    return migrated(worker_database(server) if WORKER else server)


def worker_database(server_url: str) -> str:
    """This worker's own database beside the one of ``server_url`` (e.g. festival_test_gw1), created on
    the same server when missing."""
    url = sa.make_url(server_url)
    name = f"{url.database}_{WORKER}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def migrated(url: str) -> str:
    """Empty the database at url (PostgreSQL: the public schema) and migrate it to head."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    from flask_migrate import upgrade

    with app.app_context():
        if not url.startswith("sqlite"):
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        upgrade()
        db.session.remove()
        db.engine.dispose()
    return url


def _wipe() -> None:
    """Delete every row, children first, so each test starts empty (and forget cached pages)."""
    from festival.programme.caching import clear_fragments

    clear_fragments()
    db.session.rollback()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


class IsolatedClient(FlaskClient):
    """A test client whose requests do not share ``g`` with the test's app context.

    Flask reuses an already pushed app context for requests, so without this the
    logged-in user and the chosen locale cached in ``g`` would leak between requests."""

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


def _make_app(database_url: str, tmp_path, **overrides):
    config = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "SERVER_NAME": "localhost",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


@pytest.fixture
def app_overrides() -> dict:
    """Override in a test module to change the app's configuration."""
    return {}


@pytest.fixture
def app(database_url, tmp_path, app_overrides):
    app = _make_app(database_url, tmp_path, **app_overrides)
    with app.app_context():
        yield app
        _wipe()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def csrf_app(database_url, tmp_path):
    """An app with CSRF protection on, as in production."""
    app = _make_app(database_url, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app
        _wipe()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_client(csrf_app):
    return csrf_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, url: str) -> str:
    """GET a page and return the CSRF token of its form."""
    html = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def log_in(client, user, **request):
    """Log ``client`` in as ``user`` without a form round-trip: a server-side session as a real login
    starts (festival.auth.sessions), its token in the session cookie; commits, as a login does.
    ``request`` (e.g. base_url) says which site the cookie is for."""
    from festival.auth.sessions import start_session

    token = start_session(user, remember=False, user_agent="test client", address="127.0.0.1")
    db.session.commit()  # as a real login does: a request that rolls back keeps the session
    with client.session_transaction(**request) as session:
        session.clear()
        session["_user_id"] = token
        session["_fresh"] = True
    return user


class Auth:
    """Log a test client in and out."""

    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD):
        return self.client.post("/auth/login", data={"email": email, "password": password})

    def login_as(self, user, **request):
        """Log in without a form round-trip (for tests that are not about logging in); see ``log_in``."""
        return log_in(self.client, user, **request)

    def logout(self):
        with self.client.session_transaction() as session:
            session.clear()


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def make():
    """Model factories (see tests/factories.py); rows are flushed, not committed."""
    return factories
