"""E-mail confirmation and password reset: signed expiring links, single use, no account enumeration."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.auth import tokens
from festival.auth.passwords import verify_password
from festival.extensions import db
from festival.models import OutboxMail, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD

NEW_PASSWORD = "Violet-Nebula-8812"
LINK_RE = re.compile(r"http://localhost(/auth/(?:confirm|reset)/[A-Za-z0-9_.\-]+)")


def _mails(kind: str) -> list[OutboxMail]:
    return list(
        db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id))
    )


def _link(mail: OutboxMail) -> str:
    match = LINK_RE.search(mail.body)
    assert match, mail.body
    return match.group(1)


def _old_token(monkeypatch, make_token, age: timedelta) -> str:
    """A token as it would have been made ``age`` ago."""
    past = time.time() - age.total_seconds()
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: past)
        return make_token()


def _tampered(token: str) -> str:
    payload, rest = token.split(".", 1)
    return payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest


@pytest.fixture
def unconfirmed(app, make):
    user = make.user(email="new@example.org", name="New Person")
    user.email_confirmed_at = None
    db.session.commit()
    return user


# ---------------------------------------------------------------- confirmation


def test_registration_sends_a_confirmation_link_that_confirms_the_address(client):
    client.post(
        "/auth/register",
        data={"name": "Ada Producer", "email": "ada@example.org", "password": "Nebula-Dome-4471",
              "confirm": "Nebula-Dome-4471", "locale": "en"},
    )  # fmt: skip
    user = db.session.scalar(sa.select(User).where(User.email == "ada@example.org"))
    assert user.email_confirmed_at is None
    (mail,) = _mails("confirm_email")
    assert mail.recipient == "ada@example.org"
    response = client.get(_link(mail), follow_redirects=True)
    assert "is confirmed" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_confirmation_link_used_again_changes_nothing(client, unconfirmed):
    token = tokens.confirmation_token(unconfirmed)
    client.get(f"/auth/confirm/{token}")
    db.session.refresh(unconfirmed)
    first = unconfirmed.email_confirmed_at
    response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
    assert "already confirmed" in response.get_data(as_text=True)
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at == first


def test_expired_confirmation_link_is_refused(client, unconfirmed, monkeypatch):
    token = _old_token(
        monkeypatch, lambda: tokens.confirmation_token(unconfirmed), timedelta(days=3, minutes=1)
    )
    response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
    assert "has expired" in response.get_data(as_text=True)
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is None


def test_confirmation_link_just_inside_its_lifetime_works(unconfirmed, monkeypatch):
    token = _old_token(
        monkeypatch, lambda: tokens.confirmation_token(unconfirmed), timedelta(days=2, hours=23)
    )
    assert tokens.user_for_confirmation(token) == unconfirmed


def test_tampered_confirmation_link_is_refused(client, unconfirmed):
    token = _tampered(tokens.confirmation_token(unconfirmed))
    response = client.get(f"/auth/confirm/{token}", follow_redirects=True)
    assert "not valid" in response.get_data(as_text=True)
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is None


def test_confirmation_link_for_an_old_address_is_refused(unconfirmed):
    token = tokens.confirmation_token(unconfirmed)
    unconfirmed.email = "changed@example.org"
    with pytest.raises(tokens.TokenInvalid):
        tokens.user_for_confirmation(token)


def test_a_link_of_one_kind_is_not_accepted_as_the_other(unconfirmed):
    with pytest.raises(tokens.TokenInvalid):
        tokens.user_for_reset(tokens.confirmation_token(unconfirmed))
    with pytest.raises(tokens.TokenInvalid):
        tokens.user_for_confirmation(tokens.reset_token(unconfirmed))


def test_a_token_signed_with_another_key_is_refused(app, unconfirmed):
    token = tokens.confirmation_token(unconfirmed)
    app.config["SECRET_KEY"] = "another-secret-key-entirely-0123456789"
    with pytest.raises(tokens.TokenInvalid):
        tokens.user_for_confirmation(token)


def test_logged_in_user_can_ask_for_a_new_confirmation_link(client, auth, unconfirmed):
    auth.login_as(unconfirmed)
    client.post("/auth/confirm/resend")
    (mail,) = _mails("confirm_email")
    assert mail.recipient == unconfirmed.email


# ---------------------------------------------------------------- password reset


def test_reset_request_gives_the_same_answer_for_known_and_unknown_addresses(client, make):
    make.user(email="known@example.org")
    db.session.commit()
    known = client.post("/auth/reset", data={"email": "Known@Example.org"}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "nobody@example.org"}, follow_redirects=True)
    malformed = client.post("/auth/reset", data={"email": "not an address"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == malformed.status_code == 200

    def message(response):
        return re.search(
            r'<div class="flash[^"]*"[^>]*>(.*?)</div>', response.get_data(as_text=True), re.S
        ).group(1)

    assert message(known) == message(unknown) == message(malformed)
    assert [m.recipient for m in _mails("password_reset")] == ["known@example.org"]


def test_reset_link_sets_a_new_password_once(client, make):
    user = make.user(email="forgetful@example.org")
    db.session.commit()
    client.post("/auth/reset", data={"email": "forgetful@example.org"})
    (mail,) = _mails("password_reset")
    link = _link(mail)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not verify_password(user.password_hash, PASSWORD)
    # The same link a second time: refused, and the password stays.
    reused = client.post(link, data={"password": "Another-Pass-5550", "confirm": "Another-Pass-5550"},
                         follow_redirects=True)  # fmt: skip
    assert "not valid or was already used" in reused.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert client.post("/auth/login", data={"email": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_expired_reset_link_is_refused(client, make, monkeypatch):
    user = make.user()
    db.session.commit()
    token = _old_token(monkeypatch, lambda: tokens.reset_token(user), timedelta(hours=1, minutes=1))
    response = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                           follow_redirects=True)  # fmt: skip
    assert "has expired" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_tampered_reset_link_is_refused(client, make):
    user = make.user()
    db.session.commit()
    token = _tampered(tokens.reset_token(user))
    response = client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "/auth/reset" in response.headers["Location"]
    db.session.refresh(user)
    assert verify_password(user.password_hash, PASSWORD)


def test_a_password_change_voids_older_reset_links(client, make):
    from festival.auth.services import set_password

    user = make.user()
    db.session.commit()
    token = tokens.reset_token(user)
    set_password(user, "Changed-Meanwhile-301")
    db.session.commit()
    with pytest.raises(tokens.TokenInvalid):
        tokens.user_for_reset(token)


def test_weak_new_password_is_refused_and_the_link_still_works(client, make):
    user = make.user()
    db.session.commit()
    token = tokens.reset_token(user)
    response = client.post(f"/auth/reset/{token}", data={"password": "password123", "confirm": "password123"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)
    assert tokens.user_for_reset(token) == user


def test_reset_confirms_the_address(client, unconfirmed):
    token = tokens.reset_token(unconfirmed)
    client.post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    db.session.refresh(unconfirmed)
    assert unconfirmed.email_confirmed_at is not None


def test_reset_with_real_csrf_tokens(csrf_client, make):
    user = make.user(email="csrf@example.org")
    db.session.commit()
    token = csrf_token(csrf_client, "/auth/reset")
    assert csrf_client.post("/auth/reset", data={"email": user.email}).status_code == 400
    csrf_client.post("/auth/reset", data={"email": user.email, "csrf_token": token})
    (mail,) = _mails("password_reset")
    link = _link(mail)
    form_token = csrf_token(csrf_client, link)
    response = csrf_client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "csrf_token": form_token}
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_login_page_links_to_the_reset(client):
    assert "/auth/reset" in client.get("/auth/login").get_data(as_text=True)
