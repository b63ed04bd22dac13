"""Login, logout and filmmaker registration."""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa

from festival.auth.passwords import verify_password
from festival.extensions import db
from festival.models import OutboxMail, User
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
    # the login page, which then leads the new filmmaker to their entries
    assert response.status_code == 303 and unquote(response.headers["Location"]).endswith(
        "/auth/login?next=/entries/"
    )
    user = db.session.scalar(sa.select(User))
    assert user.email == "ada.producer@example.org"
    assert user.roles == {Role.FILMMAKER}
    assert user.password_hash.startswith("$argon2id$")
    assert GOOD["password"] not in user.password_hash


def _answer(client, data) -> tuple[int, str, str]:
    """Status, redirect target and the page it leads to, with the typed address taken out."""
    response = client.post("/auth/register", data=data)
    page = client.get(response.headers.get("Location", "/")).get_data(as_text=True)
    return response.status_code, response.headers.get("Location"), page.replace(data["email"].strip(), "@")


def _mail_kinds() -> list[tuple[str, str]]:
    return [(m.kind, m.recipient) for m in db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id))]


def test_registration_with_an_existing_address_answers_like_a_new_one_and_mails_the_owner(client, make):
    owner = make.user(email="ada.producer@example.org", name="Ada Original")
    db.session.commit()
    existing = _answer(client, GOOD)  # the same address in other capitals and spaces
    new = _answer(client, dict(GOOD, email="grace.new@example.org"))
    assert existing == new
    assert existing[0] == 303 and "We sent a message to @" in existing[2]
    assert _users() == 2  # the owner and the new filmmaker: no second account for the known address
    assert _mail_kinds() == [("already_registered", owner.email), ("confirm_email", "grace.new@example.org")]
    (told,) = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "already_registered"))
    assert "/auth/login" in told.body and "/auth/reset" in told.body
    db.session.refresh(owner)
    assert owner.name == "Ada Original" and verify_password(owner.password_hash, PASSWORD)


def test_registration_with_an_existing_address_still_checks_the_form(client, make):
    make.user(email="ada.producer@example.org")
    db.session.commit()
    weak = client.post("/auth/register", data=dict(GOOD, password="password123", confirm="password123"))
    assert weak.status_code == 422 and "too common" in weak.get_data(as_text=True)
    assert _mail_kinds() == []


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
    assert response.status_code == 303
    assert _users() == 1
