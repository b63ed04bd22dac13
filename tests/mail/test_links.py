"""Every link in a mail (and in a calendar file) starts with PUBLIC_BASE_URL, whatever Host header the
request that caused it carried: a forged Host must not put another site into a password-reset link."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import OutboxMail

BASE = "https://festival.example.cn"
FORGED = {"Host": "evil.example"}


@pytest.fixture
def app_overrides() -> dict:
    return {"PUBLIC_BASE_URL": BASE, "SERVER_NAME": None}


def _body(kind: str) -> str:
    return db.session.scalar(sa.select(OutboxMail.body).where(OutboxMail.kind == kind))


def test_a_password_reset_link_ignores_a_forged_host(client, make):
    make.user(email="known@example.org")
    db.session.commit()
    client.post("/auth/reset", data={"email": "known@example.org"}, headers=FORGED)
    body = _body("password_reset")
    assert f"{BASE}/auth/reset/" in body and "evil.example" not in body


def test_a_confirmation_link_ignores_a_forged_host(client):
    data = {"name": "Ada Producer", "email": "ada@example.org", "password": "Nebula-Dome-4471",
            "confirm": "Nebula-Dome-4471", "locale": "en"}  # fmt: skip
    client.post("/auth/register", data=data, headers=FORGED)
    body = _body("confirm_email")
    assert f"{BASE}/auth/confirm/" in body and "evil.example" not in body


def test_public_url_works_outside_a_request_and_under_a_path(app):
    from festival.navigation import public_url

    assert public_url("auth.reset_password", token="abc") == f"{BASE}/auth/reset/abc"
    app.config["PUBLIC_BASE_URL"] = "https://museum.example.cn/festival"
    assert public_url("programme.film", entry_id=7) == "https://museum.example.cn/festival/programme/film/7"
