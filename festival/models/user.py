"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.enums import Role, enum_column
from festival.models.types import AwareDateTime, utcnow


class User(UserMixin, db.Model):
    """A person who logs in: filmmaker, curator, staff or admin."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "user_role"), default=Role.FILMMAKER)
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    # the token of the login this request runs under (festival.auth.sessions); not a column
    session_token = None  # str | None

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Flask-Login's id, kept in the session and remember cookies: this login's session token, so
        ending the session server-side ends both cookies (festival.auth.sessions)."""
        if not self.session_token:
            raise RuntimeError("log in through festival.auth.sessions.log_in, which starts a session")
        return self.session_token

    def __eq__(self, other) -> bool:  # UserMixin compares get_id(), which is per login
        return isinstance(other, User) and self.id is not None and self.id == other.id

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of the roles (admin holds every staff right)."""
        wanted = {Role(r) for r in roles}
        if self.role == Role.ADMIN and Role.STAFF in wanted:
            return True
        return self.role in wanted

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(db.Model):
    """One login of a user on one device: its token travels in the session and remember cookies, the row
    keeps only a hash of it. Logout, a password change and ``end_sessions`` set ``revoked_at``."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))
    address: Mapped[str | None] = mapped_column(sa.String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    user: Mapped[User] = relationship()
