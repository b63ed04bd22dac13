"""Send mail: store it in the outbox (always) and deliver it through SMTP once the transaction
that wrote it commits (when MAIL_SERVER is set), so nothing is mailed about a change that is then
rolled back."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from festival.extensions import db
from festival.models import OutboxMail
from festival.models.types import utcnow

log = logging.getLogger(__name__)
_PENDING = "festival.pending_mail"


@dataclass(frozen=True)
class _Pending:
    mail_id: int
    recipient: str
    subject: str
    body: str
    config: dict


def send_mail(*, to: str, subject: str, body: str, kind: str = "general") -> OutboxMail:
    """Queue a plain-text message in the outbox, to be sent by SMTP after the caller commits.

    The outbox row is flushed with the caller's transaction: a mail about a change that is rolled
    back disappears with it and is never sent. SMTP errors are recorded on the row for admins.
    """
    mail = OutboxMail(recipient=to, subject=subject[:300], body=body, kind=kind)
    db.session.add(mail)
    db.session.flush()
    cfg = current_app.config
    if cfg.get("MAIL_SERVER"):
        settings = {k: cfg.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME",
                                             "MAIL_PASSWORD", "MAIL_DEFAULT_SENDER")}  # fmt: skip
        pending = db.session().info.setdefault(_PENDING, [])
        pending.append(_Pending(mail.id, mail.recipient, mail.subject, mail.body, settings))
    return mail


def _deliver_smtp(item: _Pending) -> None:
    cfg = item.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = item.recipient
    message["Subject"] = item.subject
    message.set_content(item.body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    bind = session.get_bind()
    for item in pending:
        values: dict = {}
        try:
            _deliver_smtp(item)
            values["sent_at"] = utcnow()
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("SMTP delivery to %s failed: %s", item.recipient, exc)
            values["error"] = str(exc)[:2000]
        # the session's transaction is over: record the outcome on a connection of its own
        with bind.connect() as conn:
            conn.execute(sa.update(OutboxMail).where(OutboxMail.id == item.mail_id).values(**values))
            conn.commit()


def _after_transaction_end(session: Session, transaction) -> None:
    # after_commit has taken what was committed; mail still here belongs to a rolled-back transaction
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def install_mail_hooks() -> None:
    """Deliver queued mail after commits and forget it after rollbacks (idempotent)."""
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_transaction_end", _after_transaction_end)
