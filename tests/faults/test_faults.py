"""Faults: the disk full on upload, the database gone mid-request. The app says so clearly and keeps
nothing half-written."""

from __future__ import annotations

import errno
import io

import sqlalchemy as sa

from festival.extensions import db
from festival.models import EntryImage
from festival.submissions import uploads
from tests.factories import image_bytes


def test_disk_full_on_upload_gives_a_clear_message_and_leaves_no_row_or_file(
    app, client, auth, make, monkeypatch, tmp_path
):
    owner = make.user()
    entry = make.entry(make.edition(), owner)
    db.session.commit()
    auth.login_as(owner)
    real_write = uploads._write_atomically
    calls = []

    def full_after_first(path, data):
        calls.append(path)
        if len(calls) > 1:  # the image is written, then the thumbnail hits a full disk
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(uploads, "_write_atomically", full_after_first)
    response = client.post(
        f"/entries/{entry.id}/images",
        data={"kind": "poster", "image": (io.BytesIO(image_bytes("PNG", size=(320, 480))), "poster.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "could not store the image" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EntryImage)) == 0
    assert len(calls) == 2 and not calls[0].exists()


def test_database_gone_mid_request_gives_the_error_page_not_a_traceback(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(db.session, "execute", broken)
    monkeypatch.setattr(db.session, "scalar", broken)
    monkeypatch.setattr(db.session, "scalars", broken)
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json == {"status": "error"}
    page = client.get("/")
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    body = page.get_data(as_text=True)
    assert "Traceback" not in body and "server closed" not in body and "site-header" in body
    assert "The database is not answering just now, so what you sent was not saved" in body


def test_a_logged_in_visitor_gets_the_503_page_when_the_database_is_gone(
    app, client, auth, make, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    owner = make.user()
    db.session.commit()
    auth.login_as(owner)

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    for name in ("execute", "scalar", "scalars", "get"):  # loading the user fails first
        monkeypatch.setattr(db.session, name, broken)
    page = client.get("/entries/")
    assert page.status_code == 503
    body = page.get_data(as_text=True)
    assert "The database is not answering just now, so what you sent was not saved" in body
    assert "Traceback" not in body and "connection refused" not in body
    saved = client.post(
        "/entries/1/edit/film", data={"synopsis_short": "x"}, headers={"Accept": "application/json"}
    )
    assert saved.status_code == 503 and saved.json["message"].startswith("The database is not answering")
