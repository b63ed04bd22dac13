"""Server-side sessions: one ``UserSession`` row per login, so a session can be ended from the server.

Flask-Login keeps the user's id in the session cookie and, with "keep me logged in", in a remember
cookie. Here that id is the token of the login's ``UserSession`` (``User.get_id``); the row stores only
its SHA-256. Loading the user is one indexed lookup by that hash, joined to the user and their roles.
Logout revokes the row, so a cookie captured before the logout, session or remember, no longer logs
anyone in; a password change or reset revokes every row of the user (``end_sessions``), as role
changes and deactivation do.

``last_seen_at`` and the address are written at most every LAST_SEEN_EVERY per session, after a
successful request, on a connection of their own (``touch_after_request``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import Response, current_app, g, request
from flask_login import login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import contains_eager

from festival.extensions import db
from festival.models import User, UserSession
from festival.models.types import utcnow

log = logging.getLogger("festival.auth")

LAST_SEEN_EVERY = timedelta(minutes=5)
# A login without "keep me logged in" lives in a browser-session cookie; the server ends it after this
# long without a request. One with it lasts as long as the remember cookie (REMEMBER_COOKIE_DURATION).
IDLE_LIMIT = timedelta(hours=24)
USER_AGENT_LENGTH = 300


class SessionNotFound(LookupError):
    """The session to end is not one of the user's open sessions."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _client() -> tuple[str | None, str | None]:
    """The request's user agent and client address (the proxy's view of it behind TRUSTED_PROXIES)."""
    agent = (request.user_agent.string or "")[:USER_AGENT_LENGTH] or None
    return agent, (request.remote_addr or "")[:64] or None


def _remember_limit() -> timedelta:
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION") or timedelta(days=365)
    return duration if isinstance(duration, timedelta) else timedelta(seconds=int(duration))


def start_session(user: User, *, remember: bool, user_agent: str | None, address: str | None) -> str:
    """Record a new login of ``user`` and return its token (set on ``user.session_token`` too)."""
    token = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_hash(token),
            remember=remember,
            user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
            address=(address or "")[:64] or None,
        )
    )
    db.session.flush()
    user.session_token = token
    return token


def log_in(user: User, *, remember: bool) -> None:
    """Start a session for ``user`` from this request and log the browser in with it (Flask-Login)."""
    agent, address = _client()
    start_session(user, remember=remember, user_agent=agent, address=address)
    login_user(user, remember=remember)
    log.info("login: user %s from %s", user.id, address)


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the active user whose open, unexpired session has this token."""
    if not token or len(token) > 100:
        return None
    # the user's roles come in the same statement: every page asks for them
    rows = (
        db.session.execute(
            sa.select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .outerjoin(User.role_rows)
            .options(contains_eager(User.role_rows))
            .where(UserSession.token_hash == _hash(token), UserSession.revoked_at.is_(None), User.active)
        )
        .unique()
        .all()  # every row: the roles' collection is filled from all of them
    )
    if not rows:
        return None
    session, user = rows[0]
    now = utcnow()
    if now - session.last_seen_at > (_remember_limit() if session.remember else IDLE_LIMIT):
        return None
    user.session_token = token
    g.user_session = session
    if now - session.last_seen_at >= LAST_SEEN_EVERY or session.address != _client()[1]:
        g.touch_session = session.id
    return user


def touch_after_request(response: Response) -> Response:
    """After a successful request, note when (and from where) its session was last seen, when due.

    In a transaction of its own, on its own connection: whatever the request left in its session
    (nothing, normally) is neither committed nor rolled back here."""
    session_id = g.pop("touch_session", None)
    if session_id is None or response.status_code >= 400:
        return response
    try:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(UserSession)
                .where(UserSession.id == session_id)
                .values(last_seen_at=utcnow(), address=_client()[1])
            )
    except SQLAlchemyError:  # the database went away meanwhile: the page itself is fine
        current_app.logger.warning("could not note the last request of session %s", session_id)
    return response


def current_session() -> UserSession | None:
    """The session row of the logged-in visitor of this request, if any."""
    return g.get("user_session")


def log_out() -> None:
    """End this browser's session on the server and forget its cookies."""
    session = current_session()
    if session is not None:
        _revoke(UserSession.id == session.id)
    logout_user()


def _revoke(*where) -> int:
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.revoked_at.is_(None), *where)
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return result.rowcount


def end_sessions(user: User, *, except_current: bool = False) -> int:
    """End every session (and so every remember cookie) of ``user``; returns how many were open.

    Called on a password change or reset, and by role changes and deactivation. ``except_current``
    keeps the session of this request's browser (the user changing their own password stays in)."""
    where = [UserSession.user_id == user.id]
    current = current_session()
    if except_current and current is not None and current.user_id == user.id:
        where.append(UserSession.id != current.id)
    return _revoke(*where)


def open_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still log someone in, most recently seen first."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [s for s in rows if now - s.last_seen_at <= (_remember_limit() if s.remember else IDLE_LIMIT)]


def end_session(user: User, session_id: int) -> None:
    """End one of the user's own sessions (another device); raises SessionNotFound otherwise."""
    if not _revoke(UserSession.user_id == user.id, UserSession.id == session_id):
        raise SessionNotFound(session_id)
