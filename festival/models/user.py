"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

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
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(AwareDateTime())
    password_changed_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

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
