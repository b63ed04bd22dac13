"""A user's roles are a set: one predicate (``User.has_role``) in Python and SQL, admin implying staff,
the navigation and the role checks reading the whole set, and a rank for who may grant what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import User, UserRole
from festival.models.enums import Role

CASES = {
    "nothing": (set(), {}),
    "curator": ({Role.CURATOR}, {Role.CURATOR: True, Role.STAFF: False, Role.FILMMAKER: False}),
    "admin": ({Role.ADMIN}, {Role.ADMIN: True, Role.STAFF: True, Role.CURATOR: False}),
    "staff": ({Role.STAFF}, {Role.STAFF: True, Role.ADMIN: False, Role.CURATOR: False}),
    "staff and curator": ({Role.STAFF, Role.CURATOR}, {Role.CURATOR: True, Role.STAFF: True}),
    "visitor": ({Role.VISITOR}, {Role.VISITOR: True, Role.FILMMAKER: False}),
}


@pytest.mark.parametrize("name", CASES)
def test_has_role_says_the_same_in_python_and_in_sql(app, make, name):
    roles, expected = CASES[name]
    user = make.user(roles=roles)
    db.session.commit()
    db.session.expire_all()
    for role in Role:
        in_python = user.has_role(role)
        in_sql = db.session.scalar(sa.select(User.id).where(User.id == user.id, User.has_role(role)))
        assert in_python == (in_sql is not None), role
        assert in_python == expected.get(role, False), role


def test_setting_the_roles_adds_and_removes_rows(app, make):
    user = make.user(roles={Role.FILMMAKER, Role.CURATOR})
    user.roles = {Role.CURATOR, Role.STAFF}
    db.session.commit()
    rows = db.session.scalars(sa.select(UserRole.role).where(UserRole.user_id == user.id))
    assert set(rows) == {Role.CURATOR, Role.STAFF}
    assert user.ranked_roles == [Role.STAFF, Role.CURATOR]


def test_no_one_grants_a_role_above_their_own(app, make):
    admin, staff = make.user(Role.ADMIN), make.user(Role.STAFF)
    curator, nobody = make.user(Role.CURATOR), make.user(roles=())
    assert all(admin.can_grant(role) for role in Role)
    assert {r for r in Role if staff.can_grant(r)} == set(Role) - {Role.ADMIN}
    assert not any(curator.can_grant(role) for role in Role)
    assert not any(nobody.can_grant(role) for role in Role)
    assert nobody.rank == -1 and staff.rank > curator.rank


def test_a_user_with_two_roles_sees_the_pages_of_both(app, client, auth, make):
    edition = make.edition()
    make.venue(edition)
    auth.login_as(make.user(roles={Role.CURATOR, Role.STAFF}, name="Two Hats"))
    html = client.get("/").get_data(as_text=True)
    assert "Two Hats <small>(staff, curator)</small>" in html
    for link in ('href="/review/"', 'href="/staff/timetable/"', 'href="/staff/venues/"'):
        assert link in html
    assert 'href="/entries/"' not in html  # not a filmmaker
    assert client.get("/review/").status_code == 200
    assert client.get("/staff/venues/").status_code == 200


def test_a_user_with_no_role_left_sees_the_public_site_only(app, client, auth, make):
    make.edition()
    auth.login_as(make.user(roles=(), name="No Role"))
    html = client.get("/").get_data(as_text=True)
    assert "No Role</a>" in html
    for link in ('href="/review/"', 'href="/staff/timetable/"', 'href="/entries/"'):
        assert link not in html
    for url in ("/review/", "/staff/timetable/", "/staff/venues/", "/entries/staff", "/admin/outbox"):
        assert client.get(url).status_code == 403, url
