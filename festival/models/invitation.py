"""Invitations: one generic mechanism for inviting a person by e-mail to take roles (people), a seat on a
jury or a talk (areas name their ``purpose`` and ``target``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.extensions import db
from festival.models.types import AwareDateTime, utcnow

if TYPE_CHECKING:
    from festival.models.user import User


class Invitation(db.Model):
    """An e-mail invitation: its link carries a signed token of which only a hash is stored; it expires,
    works once (``accepted_at``) and can be withdrawn (``revoked_at``). Accepting grants ``roles`` and
    lets the area of ``purpose`` attach the person to ``target`` (festival.auth.invitations)."""

    __tablename__ = "invitation"
    __table_args__ = (
        sa.CheckConstraint("accepted_at IS NULL OR accepted_by_id IS NOT NULL", name="accepted_has_account"),
        sa.CheckConstraint("(target_type IS NULL) = (target_id IS NULL)", name="target_whole"),
        sa.Index("ix_invitation_email_purpose", "email", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    name: Mapped[str | None] = mapped_column(sa.String(120))
    purpose: Mapped[str] = mapped_column(sa.String(40))
    target_type: Mapped[str | None] = mapped_column(sa.String(60))
    target_id: Mapped[int | None]
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])

    def is_pending(self, now: datetime) -> bool:
        """Neither accepted, withdrawn nor expired at ``now``."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
