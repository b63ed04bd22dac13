"""The one way a user's roles change: recorded in the audit trail, and the user's sessions end."""

from __future__ import annotations

from collections.abc import Iterable

from festival import audit
from festival.auth.sessions import end_sessions
from festival.extensions import db
from festival.models import User
from festival.models.enums import Role, ranked


def set_roles(user: User, roles: Iterable[Role | str], *, actor: User | None) -> bool:
    """Give ``user`` exactly ``roles``; returns whether anything changed.

    Records the change (old and new sets) and ends the user's sessions, so pages of a role taken away
    close at once (the user's own browser stays logged in when they changed their own roles, e.g. by
    accepting an invitation). Checks nothing: callers hold the rules of who may give what."""
    old, new = user.roles, frozenset(Role(r) for r in roles)
    if old == new:
        return False
    user.roles = new
    db.session.flush()
    audit.record(
        user,
        actor=actor,
        action="user.roles",
        field="roles",
        old=[r.value for r in ranked(old)],
        new=[r.value for r in ranked(new)],
    )
    end_sessions(user, except_current=actor is not None and actor.id == user.id)
    return True
