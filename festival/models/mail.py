"""Outgoing mail kept in an outbox so the demo works without a mail server."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.extensions import db
from festival.models.types import AwareDateTime, utcnow


class OutboxMail(db.Model):
    """A message the app sent or tried to send."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(60), default="general")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    error: Mapped[str | None] = mapped_column(sa.Text)


class AuditEvent(db.Model):
    """Who changed what and when (scores, decisions, timetable edits)."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    object_type: Mapped[str] = mapped_column(sa.String(60))
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(60))
    field: Mapped[str | None] = mapped_column(sa.String(120))
    old_value: Mapped[str | None] = mapped_column(sa.Text)
    new_value: Mapped[str | None] = mapped_column(sa.Text)
