"""Sessions end when they should: logout, a password change or reset end them on the server, so a
captured session or remember cookie no longer logs anyone in; users see their sessions and end others."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.auth import sessions, tokens
from festival.extensions import db
from festival.models import UserSession
from festival.models.types import utcnow
from tests.conftest import log_in
from tests.factories import PASSWORD

NEW_PASSWORD = "Violet-Nebula-8812"
PRIVATE = "/auth/sessions"  # any page that needs a login


@pytest.fixture
def person(make):
    user = make.user(email="person@example.org", name="Pat Person")
    db.session.commit()
    return user


def _login(client, *, remember=False, agent="Browser A"):
    data = {"email": "person@example.org", "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/auth/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302
    return response


def _logged_in(client) -> bool:
    return client.get(PRIVATE).status_code == 200


def _with_cookies(app, source, *names):
    """A fresh client holding copies of some of ``source``'s cookies (as someone who captured them)."""
    other = app.test_client()
    for name in names:
        cookie = source.get_cookie(name)
        assert cookie is not None, name
        other.set_cookie(name, cookie.value)
    return other


def test_a_session_cookie_captured_before_logout_no_longer_works(app, client, person):
    _login(client)
    captured = _with_cookies(app, client, "session")
    assert _logged_in(captured)
    client.post("/auth/logout")
    assert not _logged_in(client)
    assert not _logged_in(captured)


def test_a_remember_cookie_captured_before_logout_no_longer_works(app, client, person):
    _login(client, remember=True)
    captured = _with_cookies(app, client, "remember_token")
    assert _logged_in(captured)  # the remember cookie alone logs in while the session is open
    client.post("/auth/logout")
    assert not _logged_in(_with_cookies(app, captured, "remember_token"))


def test_a_password_reset_ends_every_session_and_remember_cookie(app, client, person):
    _login(client, remember=True)
    phone = app.test_client()
    _login(phone, agent="Phone")
    remembered = _with_cookies(app, client, "remember_token")
    token = tokens.reset_token(person)
    app.test_client().post(f"/auth/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    for each in (client, phone, remembered):
        assert not _logged_in(each)


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, person):
    _login(client)
    phone = app.test_client()
    _login(phone, remember=True, agent="Phone")
    remembered = _with_cookies(app, phone, "remember_token")
    data = {"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/auth/password", data=data)
    assert response.status_code == 303
    assert _logged_in(client)
    assert not _logged_in(phone) and not _logged_in(remembered)


def test_a_password_change_needs_the_current_password(client, person):
    _login(client)
    data = {"current": "not-my-password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    response = client.post("/auth/password", data=data)
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)


def test_end_sessions_ends_them_all_for_later_role_changes_and_deactivation(app, client, person):
    _login(client, remember=True)
    remembered = _with_cookies(app, client, "remember_token")
    assert sessions.end_sessions(person) == 1
    db.session.commit()
    assert not _logged_in(client) and not _logged_in(remembered)


def test_a_deactivated_account_is_logged_out_at_once(client, person):
    _login(client)
    person.active = False
    db.session.commit()
    assert not _logged_in(client)


def test_users_see_their_sessions_and_end_another(app, client, person):
    _login(client, agent="Firefox on the office PC")
    phone = app.test_client()
    _login(phone, agent="Safari on a phone")
    page = client.get(PRIVATE).get_data(as_text=True)
    assert "Firefox on the office PC" in page and "Safari on a phone" in page and "127.0.0.1" in page
    assert "this browser" in page
    phone_session = db.session.scalar(
        sa.select(UserSession).where(UserSession.user_agent == "Safari on a phone")
    )
    assert client.post(f"/auth/sessions/{phone_session.id}/end").status_code == 303
    assert not _logged_in(phone) and _logged_in(client)
    assert "Safari on a phone" not in client.get(PRIVATE).get_data(as_text=True)


def test_end_every_other_session(app, client, person):
    _login(client)
    others = [app.test_client() for _ in range(2)]
    for n, other in enumerate(others):
        _login(other, agent=f"Other {n}")
    client.post("/auth/sessions/end-others")
    assert _logged_in(client) and not any(_logged_in(o) for o in others)


def test_nobody_ends_a_session_of_someone_else(app, client, person, make):
    stranger = make.user(email="stranger@example.org")
    db.session.commit()
    _login(client)
    intruder = app.test_client()
    log_in(intruder, stranger)
    db.session.commit()
    mine = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == person.id))
    assert intruder.post(f"/auth/sessions/{mine}/end").status_code == 404
    assert _logged_in(client)


def test_a_session_without_remember_me_ends_after_a_day_without_requests(client, person):
    _login(client)
    db.session.execute(sa.update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=25)))
    db.session.commit()
    assert not _logged_in(client)


def test_last_seen_and_address_are_noted_at_most_every_few_minutes(client, person):
    _login(client)
    (session,) = db.session.scalars(sa.select(UserSession))
    first_seen = session.last_seen_at
    client.get(PRIVATE)
    db.session.refresh(session)
    assert session.last_seen_at == first_seen  # seen a moment ago: no write
    an_hour_ago = utcnow() - timedelta(hours=1)
    session.last_seen_at = an_hour_ago
    db.session.commit()
    client.get(PRIVATE, environ_base={"REMOTE_ADDR": "198.51.100.4"})
    db.session.refresh(session)
    assert session.last_seen_at > an_hour_ago and session.address == "198.51.100.4"


def test_the_cookies_carry_a_token_and_the_database_only_its_hash(client, person):
    _login(client)
    (session,) = db.session.scalars(sa.select(UserSession))
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    assert token != str(person.id) and len(token) >= 40
    assert token not in session.token_hash and session.token_hash == sessions._hash(token)
