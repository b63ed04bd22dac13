"""People: inviting the festival team, changing roles, deactivating accounts.

The rank rule is ``User.can_grant`` (admins give any role, staff any role up to staff, no one else any):
every function here checks it, so the pages and any other caller are held to it alike. Every change goes
to the audit trail, and a user whose roles or access change loses their sessions at once
(``festival.auth.sessions.end_sessions``).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival import audit
from festival.auth.sessions import end_sessions
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.labels import role_words
from festival.models import Invitation, User
from festival.models.enums import Role
from festival.navigation import home_url
from festival.people import invitations
from festival.people.roles import set_roles
from festival.search import contains

TEAM = "team"
# the roles the people page invites to; venue managers are invited with their venues, filmmakers and
# visitors register themselves
TEAM_ROLES = (Role.CURATOR, Role.STAFF, Role.ADMIN)


def _describe_team(invitation: Invitation) -> str:
    return _("to join the festival team as %(roles)s", roles=role_words(invitation.roles))


invitations.register_purpose(
    TEAM,
    invitations.Purpose(describe=_describe_team, landing=lambda invitation, user: home_url(user)),
)


def invite_to_team(*, email: str, name: str | None, roles: Iterable[Role | str], actor: User) -> Invitation:
    """Invite a person to the team with one or more of TEAM_ROLES. Raises InvalidInput (no role, a role
    the page does not give, an address that holds them all already) and NotAllowed (a role above the
    actor's own)."""
    wanted = {Role(r) for r in roles}
    if not wanted or not wanted <= set(TEAM_ROLES):
        raise InvalidInput(errors={"roles": [_l("Choose curator, staff or admin.")]})
    if not actor.has_role(Role.STAFF):
        raise NotAllowed()
    existing = invitations.account_of(email)
    if existing is not None and wanted <= existing.roles:
        raise InvalidInput(
            errors={"email": [_l("%(email)s holds these roles already.", email=existing.email)]}
        )
    return invitations.invite(email=email, purpose=TEAM, roles=wanted, name=name, actor=actor)


def _other_active_admins(user: User) -> int:
    stmt = sa.select(sa.func.count(User.id)).where(User.has_role(Role.ADMIN), User.active, User.id != user.id)
    return db.session.scalar(stmt) or 0


def change_roles(user: User, roles: Iterable[Role | str], *, actor: User) -> bool:
    """Give ``user`` exactly ``roles`` (their sessions end); returns whether anything changed.

    Raises NotAllowed (the actor is not staff, the user holds a role above the actor's, or a role to give
    or take is above it) and InvalidTransition (taking the admin role from the last active admin)."""
    new = {Role(r) for r in roles}
    old = set(user.roles)
    if not actor.has_role(Role.STAFF):
        raise NotAllowed()
    if not all(actor.can_grant(r) for r in old):
        raise NotAllowed(_l("Only an admin can change the roles of an admin."))
    above = [r for r in sorted(new ^ old) if not actor.can_grant(r)]
    if above:
        raise NotAllowed(errors={"roles": [invitations.above_own(r) for r in above]})
    if Role.ADMIN in old and Role.ADMIN not in new and user.active and not _other_active_admins(user):
        raise InvalidTransition(
            _l("%(name)s is the last admin: make someone else admin first.", name=user.name)
        )
    return set_roles(user, new, actor=actor)


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.ADMIN):
        raise NotAllowed(_l("Only an admin can deactivate or reactivate accounts."))


def deactivate(user: User, *, actor: User) -> None:
    """Close an account: it can no longer log in and its sessions end at once (its entries, reviews and
    history stay). Raises NotAllowed (not an admin) and InvalidTransition (one's own account; already
    closed)."""
    _require_admin(actor)
    if user.id == actor.id:
        raise InvalidTransition(_l("You cannot deactivate your own account."))
    if not user.active:
        raise InvalidTransition(_l("This account is deactivated already."))
    user.active = False
    db.session.flush()
    audit.record(user, actor=actor, action="user.deactivate", field="active", old=True, new=False)
    end_sessions(user)


def reactivate(user: User, *, actor: User) -> None:
    """Open a deactivated account again (its roles are as they were). Raises NotAllowed (not an admin)
    and InvalidTransition (the account is active)."""
    _require_admin(actor)
    if user.active:
        raise InvalidTransition(_l("This account is active already."))
    user.active = True
    db.session.flush()
    audit.record(user, actor=actor, action="user.reactivate", field="active", old=False, new=True)


def people(text: str = "", role: Role | None = None) -> sa.Select:
    """Accounts by name, optionally those whose name or address contains ``text`` and who hold ``role``."""
    stmt = sa.select(User).order_by(User.name, User.id)
    if text:
        stmt = stmt.where(contains(text, User.name, User.email))
    if role is not None:
        stmt = stmt.where(User.has_role(role))
    return stmt


def person_url(user: User) -> str:
    """The person's page in the people area."""
    return url_for("people.person", user_id=user.id)
