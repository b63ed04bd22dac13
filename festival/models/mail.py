"""Outgoing mail kept in an outbox so the demo works without a mail server."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from festival.extensions import db
from festival.models.enums import MailStatus, enum_column
from festival.models.types import AwareDateTime, utcnow


class OutboxMail(db.Model):
    """A message the app sent or tried to send, and where its delivery stands (festival.mail.services)."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(60), default="general")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.KEPT, index=True
    )
    attempts: Mapped[int] = mapped_column(default=0)  # tries to hand it to the SMTP server
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # a queued mail's next try
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())  # when a worker took it
    worker: Mapped[str | None] = mapped_column(sa.String(200))  # who took it (festival.jobs.worker_id)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    error: Mapped[str | None] = mapped_column(sa.Text)  # the last try's error


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


class MailTemplate(db.Model):
    """An edition's editable text for one kind of mail in one language (e.g. the acceptance letter in zh)."""

    __tablename__ = "mail_template"
    __table_args__ = (
        sa.UniqueConstraint("edition_id", "kind", "language", name="uq_mail_template_edition_kind_language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("edition.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    language: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
