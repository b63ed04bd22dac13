"""People: changing roles and deactivating end the person's sessions at once; nobody gives a role above
their own (held in the service, whatever the page sends); every change is in the history, in words."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.errors import InvalidTransition, NotAllowed
from festival.extensions import db
from festival.models import Invitation
from festival.models.enums import Role
from festival.people import services
from tests.conftest import log_in


@pytest.fixture
def team(app, make):
    admin = make.user(Role.ADMIN, name="Zhao Lei")
    staff = make.user(Role.STAFF, name="Li Ming")
    curator = make.user(Role.CURATOR, name="Wang Fang")
    filmmaker = make.user(Role.FILMMAKER, name="Lena Fischer")
    db.session.commit()
    return admin, staff, curator, filmmaker


def _logged_in(client) -> bool:
    return client.get("/auth/sessions").status_code == 200


def test_a_role_change_ends_the_persons_sessions_at_once(app, client, team):
    admin, staff, curator, _ = team
    log_in(client, curator)
    phone = app.test_client()
    log_in(phone, curator)
    assert client.get("/review/").status_code == 200
    services.change_roles(curator, {Role.CURATOR, Role.STAFF}, actor=admin)
    db.session.commit()
    assert not _logged_in(client) and not _logged_in(phone)


def test_deactivating_logs_the_person_out_and_keeps_them_out(app, client, team):
    admin, _, curator, _ = team
    log_in(client, curator)
    admin_client = app.test_client()
    log_in(admin_client, admin)
    response = admin_client.post(f"/admin/people/{curator.id}/deactivate")
    assert response.status_code == 303
    assert not _logged_in(client)
    login = client.post("/auth/login", data={"email": curator.email, "password": "Correct-Horse-Battery-9"})
    assert "Wrong e-mail or password." in login.get_data(as_text=True)
    assert admin_client.post(f"/admin/people/{curator.id}/reactivate").status_code == 303
    db.session.refresh(curator)
    assert curator.active


def test_a_staff_user_cannot_make_anyone_admin(app, client, team):
    admin, staff, curator, filmmaker = team
    with pytest.raises(NotAllowed):
        services.change_roles(curator, {Role.CURATOR, Role.ADMIN}, actor=staff)
    db.session.rollback()
    with pytest.raises(NotAllowed):
        services.invite_to_team(email="friend@example.org", name=None, roles={Role.ADMIN}, actor=staff)
    db.session.rollback()
    log_in(client, staff)
    response = client.post(f"/admin/people/{curator.id}", data={"roles": ["curator", "admin"]})
    assert response.status_code == 403
    assert "You cannot give the role “admin”: it is above your own." in response.get_data(as_text=True)
    invite = client.post(
        "/admin/people/invite", data={"email": "friend@example.org", "name": "", "roles": ["admin"]}
    )
    assert invite.status_code == 422  # not even a choice on the staff's form
    db.session.refresh(curator)
    assert curator.roles == {Role.CURATOR}
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0


def test_staff_give_roles_up_to_their_own_but_never_touch_an_admin(app, team):
    admin, staff, curator, filmmaker = team
    assert services.change_roles(filmmaker, {Role.FILMMAKER, Role.CURATOR}, actor=staff)
    assert services.change_roles(curator, {Role.STAFF}, actor=staff)
    invitation = services.invite_to_team(
        email="new.curator@example.org", name="New", roles={Role.CURATOR}, actor=staff
    )
    assert invitation.roles == ["curator"]
    with pytest.raises(NotAllowed):
        services.change_roles(admin, {Role.ADMIN, Role.CURATOR}, actor=staff)
    with pytest.raises(NotAllowed):
        services.deactivate(curator, actor=staff)


def test_curators_and_filmmakers_change_nobodys_roles(app, client, team):
    _, _, curator, filmmaker = team
    with pytest.raises(NotAllowed):
        services.change_roles(filmmaker, {Role.CURATOR}, actor=curator)
    log_in(client, curator)
    assert client.get("/admin/people/").status_code == 403
    assert client.post(f"/admin/people/{filmmaker.id}", data={"roles": ["curator"]}).status_code == 403


def test_the_last_admin_keeps_the_admin_role_and_nobody_deactivates_themselves(app, team):
    admin, *_ = team
    with pytest.raises(InvalidTransition):
        services.change_roles(admin, {Role.STAFF}, actor=admin)
    with pytest.raises(InvalidTransition):
        services.deactivate(admin, actor=admin)


def test_a_user_with_no_role_left_sees_the_public_site(app, client, team):
    admin, _, curator, _ = team
    services.change_roles(curator, set(), actor=admin)
    db.session.commit()
    log_in(client, curator)
    assert client.get("/review/").status_code == 403
    html = client.get("/").get_data(as_text=True)
    assert 'href="/review/"' not in html and "Wang Fang</a>" in html


def test_the_history_says_the_changes_in_words(app, client, team):
    admin, staff, curator, _ = team
    services.change_roles(curator, {Role.CURATOR, Role.STAFF}, actor=admin)
    services.deactivate(curator, actor=admin)
    db.session.commit()
    log_in(client, admin)
    html = client.get(f"/admin/people/{curator.id}").get_data(as_text=True)
    assert "Roles changed" in html and "staff, curator" in html and "Account deactivated" in html
    assert "user.roles" not in html and '["curator"' not in html and "user.deactivate" not in html
    client.get("/language/zh")
    chinese = client.get(f"/admin/people/{curator.id}").get_data(as_text=True)
    assert "角色已变更" in chinese and "工作人员, 评审" in chinese


def test_people_are_found_by_name_and_role(app, client, team):
    admin, *_ = team
    log_in(client, admin)
    html = client.get("/admin/people/?q=wang").get_data(as_text=True)
    assert ">Wang Fang</a>" in html and ">Lena Fischer</a>" not in html
    html = client.get("/admin/people/?role=staff").get_data(as_text=True)  # admins hold staff rights
    assert ">Li Ming</a>" in html and ">Zhao Lei</a>" in html and ">Wang Fang</a>" not in html
    html = client.get("/admin/people/?role=curator").get_data(as_text=True)
    assert ">Wang Fang</a>" in html and ">Li Ming</a>" not in html


def test_the_roles_form_needs_its_csrf_token(csrf_client, csrf_app, make):
    from tests.conftest import csrf_token

    admin, curator = make.user(Role.ADMIN), make.user(Role.CURATOR)
    db.session.commit()
    log_in(csrf_client, admin)
    url = f"/admin/people/{curator.id}"
    assert csrf_client.post(url, data={"roles": ["staff"]}).status_code == 400
    token = csrf_token(csrf_client, url)
    assert csrf_client.post(url, data={"roles": ["staff"], "csrf_token": token}).status_code == 303
    db.session.refresh(curator)
    assert curator.roles == {Role.STAFF}
