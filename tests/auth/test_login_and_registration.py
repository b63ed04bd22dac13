"""Login, logout and filmmaker registration."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import User
from festival.models.enums import Role
from tests.conftest import csrf_token
from tests.factories import PASSWORD

GOOD = {
    "name": "Ada Producer",
    "organisation": "Orbit Films",
    "email": "  Ada.Producer@Example.ORG ",
    "password": "Nebula-Dome-4471",
    "confirm": "Nebula-Dome-4471",
    "locale": "en",
}


def _users() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_registration_creates_a_filmmaker_with_normalised_email_and_hashed_password(client):
    response = client.post("/auth/register", data=GOOD)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email == "ada.producer@example.org"
    assert user.role == Role.FILMMAKER
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD["password"] not in user.password_hash


def test_registration_rejects_duplicate_email_case_insensitively(client, make):
    make.user(email="ada.producer@example.org")
    db.session.commit()
    response = client.post("/auth/register", data=GOOD)
    assert response.status_code == 422
    assert "already exists" in response.get_data(as_text=True)
    assert _users() == 1


def test_registration_rejects_weak_password_with_a_clear_message(client):
    data = dict(GOOD, password="password123", confirm="password123")
    response = client.post("/auth/register", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "too common" in html
    assert _users() == 0


def test_registration_rejects_short_password(client):
    data = dict(GOOD, password="aB3$x", confirm="aB3$x")
    response = client.post("/auth/register", data=data)
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)
    assert _users() == 0


def test_registration_rejects_bad_email(client):
    response = client.post("/auth/register", data=dict(GOOD, email="not-an-address"))
    assert response.status_code == 422
    assert "not a valid e-mail address" in response.get_data(as_text=True)
    assert _users() == 0


def test_registration_rejects_mismatched_confirmation(client):
    response = client.post("/auth/register", data=dict(GOOD, confirm="Something-Else-77"))
    assert response.status_code == 422
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert _users() == 0


def test_login_and_logout(client, make):
    user = make.user(email="curator@example.org", name="Carla Curator", role=Role.CURATOR)
    db.session.commit()
    response = client.post("/auth/login", data={"email": "Curator@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert user.name in page
    client.post("/auth/logout")
    assert user.name not in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_email_get_the_same_message(client, make):
    make.user(email="known@example.org")
    db.session.commit()
    wrong = client.post("/auth/login", data={"email": "known@example.org", "password": "nope-nope-nope"})
    unknown = client.post("/auth/login", data={"email": "unknown@example.org", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert "Wrong e-mail or password." in wrong.get_data(as_text=True)
    assert "Wrong e-mail or password." in unknown.get_data(as_text=True)


def test_account_locks_after_repeated_failures(client, make):
    make.user(email="target@example.org")
    db.session.commit()
    for _ in range(5):
        client.post("/auth/login", data={"email": "target@example.org", "password": "wrong-password-1"})
    response = client.post("/auth/login", data={"email": "target@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)


def test_login_does_not_redirect_off_site(client, make):
    make.user(email="a@example.org")
    db.session.commit()
    response = client.post(
        "/auth/login?next=https://evil.example.com/", data={"email": "a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil" not in response.headers["Location"]


def test_post_without_csrf_token_is_rejected(csrf_client):
    response = csrf_client.post("/auth/register", data=GOOD)
    assert response.status_code == 400
    assert _users() == 0


def test_registration_with_real_csrf_token(csrf_client):
    token = csrf_token(csrf_client, "/auth/register")
    response = csrf_client.post("/auth/register", data=dict(GOOD, csrf_token=token))
    assert response.status_code == 302
    assert _users() == 1
