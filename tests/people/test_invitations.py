"""Invitations by e-mail: a signed link whose token is stored hashed, which expires, works once, can be
withdrawn, and creates the account (or attaches to the existing one) with the invited roles."""

from __future__ import annotations

import re
from datetime import timedelta
from threading import Barrier

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.extensions import db
from festival.models import Invitation, OutboxMail, User
from festival.models.enums import Role
from festival.people import invitations, services
from tests.conftest import csrf_token, log_in

NEW_PASSWORD = "Orbit-Nebula-Lantern-77"
LINK = re.compile(r"https?://\S+/invitation/(\S+)")


def _token(mail: OutboxMail) -> str:
    match = LINK.search(mail.body)
    assert match, mail.body
    return match.group(1)


def _invite(admin, email="new.curator@example.org", roles=(Role.CURATOR,), name="Nova Curator") -> str:
    services.invite_to_team(email=email, name=name, roles=roles, actor=admin)
    db.session.commit()
    mail = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == email.lower())).all()[-1]
    return _token(mail)


def _accept_new(client, token, password=NEW_PASSWORD, name="Nova Curator"):
    return client.post(
        f"/invitation/{token}",
        data={"name": name, "password": password, "confirm": password, "locale": "zh"},
    )


@pytest.fixture
def admin(app, make):
    user = make.user(Role.ADMIN, name="Zhao Lei")
    db.session.commit()
    return user


def test_the_mail_is_in_both_languages_and_the_token_is_stored_only_as_a_hash(admin):
    token = _invite(admin)
    mail = db.session.scalars(sa.select(OutboxMail)).one()
    assert "Zhao Lei invites you to join the festival team as curator" in mail.body
    assert "邀请您" in mail.body and "/ 邀请" in mail.subject
    invitation = db.session.scalars(sa.select(Invitation)).one()
    assert invitation.token_hash != token and token not in invitation.token_hash
    assert len(invitation.token_hash) == 64
    assert invitation.roles == ["curator"] and invitation.email == "new.curator@example.org"


def test_accepting_creates_the_account_with_the_roles_confirmed_and_logged_in(client, admin):
    token = _invite(admin)
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200
    assert "Zhao Lei invites you to join the festival team as curator" in page.get_data(as_text=True)
    response = _accept_new(client, token)
    assert response.status_code == 303 and response.headers["Location"].endswith("/review/")
    user = db.session.scalars(sa.select(User).where(User.email == "new.curator@example.org")).one()
    assert user.roles == {Role.CURATOR} and user.email_confirmed_at is not None and user.locale == "zh"
    assert client.get("/review/").status_code == 200  # logged in as the new curator


def test_a_link_works_once(client, app, admin):
    token = _invite(admin)
    assert _accept_new(client, token).status_code == 303
    other = app.test_client()
    again = other.get(f"/invitation/{token}")
    assert again.status_code == 410 and "already been accepted" in again.get_data(as_text=True)
    assert _accept_new(other, token, name="Somebody Else").status_code == 410
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_an_expired_link_is_refused(client, admin, monkeypatch):
    token = _invite(admin)
    later = localtime.now() + invitations.VALID_FOR + timedelta(minutes=1)
    monkeypatch.setattr(localtime, "now", lambda: later)
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert _accept_new(client, token).status_code == 410
    assert db.session.scalar(sa.select(User).where(User.email == "new.curator@example.org")) is None


def test_a_forged_or_damaged_link_is_not_found(client, admin):
    token = _invite(admin)
    assert client.get(f"/invitation/{token[:-2]}xx").status_code == 404
    assert client.get("/invitation/not-a-token").status_code == 404


def test_a_new_invitation_replaces_the_pending_one_and_a_withdrawn_link_stops_working(client, admin):
    first = _invite(admin)
    second = _invite(admin, roles=(Role.CURATOR, Role.STAFF))
    assert client.get(f"/invitation/{first}").status_code == 410
    assert client.get(f"/invitation/{second}").status_code == 200
    pending = invitations.pending_invitations(services.TEAM)
    assert [i.roles for i in pending] == [["staff", "curator"]]
    invitations.withdraw(pending[0], actor=admin)
    db.session.commit()
    response = client.get(f"/invitation/{second}")
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)


def test_an_existing_account_logs_in_first_and_gets_the_roles_added(client, app, admin, make):
    filmmaker = make.user(Role.FILMMAKER, email="lena@example.org", name="Lena Fischer")
    db.session.commit()
    token = _invite(admin, email="Lena@Example.org")
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert "has an account already" in page and "/auth/login?next=" in page
    assert _accept_new(client, token).status_code == 409  # no second account for the address
    log_in(client, filmmaker)
    assert client.post(f"/invitation/{token}").status_code == 303
    db.session.refresh(filmmaker)
    assert filmmaker.roles == {Role.FILMMAKER, Role.CURATOR}


def test_another_account_cannot_take_an_invitation(client, admin, make):
    token = _invite(admin)
    log_in(client, make.user(Role.FILMMAKER, email="someone.else@example.org"))
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert "This invitation is for new.curator@example.org" in page
    assert client.post(f"/invitation/{token}").status_code == 403
    assert db.session.scalars(sa.select(Invitation)).one().accepted_at is None


def test_a_weak_password_is_refused_next_to_the_field_and_nothing_is_created(client, admin):
    token = _invite(admin)
    response = _accept_new(client, token, password="short")
    assert response.status_code == 422 and "at least 10 characters" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Invitation)).one().accepted_at is None
    assert db.session.scalar(sa.select(User).where(User.email == "new.curator@example.org")) is None


def test_the_accept_form_needs_its_csrf_token(csrf_client, csrf_app, make):
    admin = make.user(Role.ADMIN)
    db.session.commit()
    token = _invite(admin)
    url = f"/invitation/{token}"
    data = {"name": "Nova", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "locale": "en"}
    assert csrf_client.post(url, data=data).status_code == 400
    data["csrf_token"] = csrf_token(csrf_client, url)
    assert csrf_client.post(url, data=data).status_code == 303


def test_two_browsers_racing_with_one_link_make_one_account(database_url, admin, app):
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises writers anyway")
    from concurrent.futures import ThreadPoolExecutor

    token = _invite(admin)
    barrier = Barrier(2)

    def accept(name):
        with app.app_context():
            client = app.test_client()
            client.get(f"/invitation/{token}")
            barrier.wait()
            status = _accept_new(client, token, name=name).status_code
            db.session.remove()
            return status

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(accept, ["First", "Second"]))
    assert statuses[0] == 303 and statuses[1] in (409, 410)
    assert (
        db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "new.curator@example.org"))
        == 1
    )
