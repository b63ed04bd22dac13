"""A real PostgreSQL server restarted between requests and in the middle of one (this module runs its
own throwaway cluster, so the restart touches no other test): the request that loses its server gets a
clear 503 and nothing of it is written; the next request works on a fresh connection."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.stack import postgres, postgres_binaries, restart_postgres, start_postgres, stop_postgres
from festival.dbpool import CHECKED_IN
from festival.extensions import db
from festival.models import Entry
from festival.submissions import services
from tests.conftest import migrated

NOT_SAVED = "The database is not answering just now, so what you sent was not saved."

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or postgres_binaries() is None or shutil.which("runuser") is None,
    reason="starting a PostgreSQL cluster needs root and Debian's postgresql package",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster():
    tmp = Path(tempfile.mkdtemp(prefix="festival-restart-"))  # under /tmp: the postgres user reaches it
    try:
        with postgres(tmp, _free_port()) as url:
            yield tmp, migrated(url)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def database_url(cluster):
    """This module's app runs on its own server (replaces the suite's test database)."""
    return cluster[1]


def _save(client, entry_id: int, version: int, synopsis: str, in_place: bool = True):
    headers = {"Accept": "application/json"} if in_place else {}
    return client.post(
        f"/entries/{entry_id}/edit/film",
        data={"version": version, "synopsis_short": synopsis, "save": "1"},
        headers=headers,
    )


def _stored(entry_id: int) -> str:
    db.session.rollback()
    db.session.expunge_all()
    return db.session.get(Entry, entry_id).synopsis_short


def test_a_restart_between_requests_costs_no_request(app, client, auth, filmmaker, complete_entry, cluster):
    entry = complete_entry()
    entry_id = entry.id
    auth.login_as(filmmaker)
    before = _save(client, entry_id, entry.version, "Saved before the restart.")
    assert before.status_code == 200, before.json
    db.session.rollback()  # every pooled connection back in the pool, as between two requests
    restart_postgres(cluster[0])
    # the pooled connections' sessions were ended by the restart: their sockets say so, and the
    # pool replaces them before use (no ping needed to find out, and no error for the filmmaker)
    after = _save(client, entry_id, before.json["version"], "Saved after the restart.")
    assert after.status_code == 200, after.json
    assert after.json["saved"] is True
    assert _stored(entry_id) == "Saved after the restart."


@pytest.fixture
def draft(app, auth, filmmaker, complete_entry):
    """A logged-in filmmaker's complete draft: (entry id, version)."""
    entry = complete_entry(synopsis_short="The synopsis before.")
    auth.login_as(filmmaker)
    return entry.id, entry.version


@pytest.fixture
def lose_server_in_save(monkeypatch):
    """``lose_server_in_save(action)``: the next saves send their UPDATE, then ``action()`` (a
    restart, a stop) takes the server away before the commit; returns a function that undoes it."""
    real_save_step = services.save_step

    def install(action):
        def save_then_lose_the_server(*args, **kwargs):
            real_save_step(*args, **kwargs)
            db.session.flush()  # the UPDATE is on the server, not yet committed
            action()

        monkeypatch.setattr(services, "save_step", save_then_lose_the_server)
        return lambda: monkeypatch.setattr(services, "save_step", real_save_step)

    return install


def test_a_restart_mid_request_is_reported_and_nothing_is_half_written(
    client, draft, cluster, lose_server_in_save
):
    entry_id, version = draft
    undo = lose_server_in_save(lambda: restart_postgres(cluster[0]))
    lost = _save(client, entry_id, version, "Lost with the server.")
    assert lost.status_code == 503 and lost.headers["Retry-After"] == "30"
    assert lost.json["message"].startswith(NOT_SAVED)
    page = _save(client, entry_id, version, "Lost with the server, without the page script.", in_place=False)
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert NOT_SAVED in body and "Traceback" not in body and "site-header" in body

    undo()
    assert _stored(entry_id) == "The synopsis before."  # neither UPDATE survived
    again = _save(client, entry_id, version, "Saved once the server is back.")
    assert again.status_code == 200, again.json
    assert _stored(entry_id) == "Saved once the server is back."


def test_a_server_that_stays_down_gives_the_503_page_and_the_answer_to_the_filmmaker(
    client, draft, cluster, lose_server_in_save
):
    entry_id, version = draft
    undo = lose_server_in_save(lambda: stop_postgres(cluster[0]))  # down until the server starts below
    try:
        page = _save(client, entry_id, version, "Lost with the server.", in_place=False)
        body = page.get_data(as_text=True)
        assert page.status_code == 503, body[-2000:]
        assert NOT_SAVED in body and "Traceback" not in body and "site-header" in body
        # still down: now loading the filmmaker is the first query that fails
        answer = _save(client, entry_id, version, "Sent while the server is down.")
        assert answer.status_code == 503 and answer.json["message"].startswith(NOT_SAVED)
    finally:
        start_postgres(cluster[0], sa.engine.make_url(cluster[1]).port)
    undo()
    assert _stored(entry_id) == "The synopsis before."
    again = _save(client, entry_id, version, "Saved once the server is back.")
    assert again.status_code == 200, again.json
    assert _stored(entry_id) == "Saved once the server is back."


def test_a_connection_idle_past_the_limit_is_pinged_and_a_busy_one_is_not(app, monkeypatch):
    pings = []
    dialect = db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(conn) or real_ping(conn))
    with db.engine.connect() as conn:  # a connection checked in just now
        conn.exec_driver_sql("SELECT 1")
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        record = conn.connection._connection_record
    assert pings == []
    record.info[CHECKED_IN] -= app.config["DATABASE_PING_AFTER_IDLE"] + 1  # as if idle since then
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    assert len(pings) == 1
