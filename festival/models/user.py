"""Accounts and roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.enums import IMPLIED_ROLES, ROLE_RANK, Role, enum_column
from festival.models.types import AwareDateTime, utcnow


def role_holders(roles: Iterable[Role | str]) -> frozenset[Role]:
    """The roles whose holders count as holding one of ``roles`` (staff: staff and admin)."""
    wanted = {Role(r) for r in roles}
    return frozenset(wanted | {r for r, implied in IMPLIED_ROLES.items() if implied & wanted})


class UserRole(db.Model):
    """One role a user holds: a user's roles are the set of these rows."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "role_name"), primary_key=True)


class User(UserMixin, db.Model):
    """A person who logs in, with a set of roles (filmmaker, curator, staff, admin, venue manager,
    visitor; none at all: the public site only)."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(8), default="en")
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    email_confirmed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    password_changed_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    role_rows: Mapped[set[UserRole]] = relationship(
        collection_class=set, cascade="all, delete-orphan", passive_deletes=True, lazy="selectin"
    )

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

    @property
    def roles(self) -> frozenset[Role]:
        """The roles the user holds (assign a set of roles to change them)."""
        return frozenset(row.role for row in self.role_rows)

    @roles.setter
    def roles(self, roles: Iterable[Role | str]) -> None:
        wanted = {Role(r) for r in roles}
        for row in [row for row in self.role_rows if row.role not in wanted]:
            self.role_rows.remove(row)
        for role in wanted - self.roles:
            self.role_rows.add(UserRole(role=role))

    @property
    def ranked_roles(self) -> list[Role]:
        """The user's roles, the highest first (for display)."""
        order = list(Role)
        return sorted(self.roles, key=lambda r: (-ROLE_RANK[r], order.index(r)))

    @hybrid_method
    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds one of the roles (admin holds every staff right); the one predicate
        of who may do what by role, in Python and (below) in SQL."""
        return not role_holders(roles).isdisjoint(self.roles)

    @has_role.inplace.expression
    @classmethod
    def _has_role_expression(cls, *roles: Role | str) -> sa.ColumnElement[bool]:
        """The same rule as a SQL condition on ``User`` rows."""
        return (
            sa.select(UserRole.user_id)
            .where(UserRole.user_id == cls.id, UserRole.role.in_(role_holders(roles)))
            .exists()
        )

    @property
    def is_staff(self) -> bool:
        return self.has_role(Role.STAFF)

    @property
    def rank(self) -> int:
        """The rank of the user's highest role (-1 with no role)."""
        return max((ROLE_RANK[r] for r in self.roles), default=-1)

    def can_grant(self, role: Role | str) -> bool:
        """Whether this user may give ``role`` to someone (or take it away): admins any role, staff any
        role up to staff, everyone else none."""
        if self.has_role(Role.ADMIN):
            return True
        return self.has_role(Role.STAFF) and ROLE_RANK[Role(role)] <= ROLE_RANK[Role.STAFF]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {sorted(self.roles)}>"


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
