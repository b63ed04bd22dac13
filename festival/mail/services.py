"""Send mail: store it in the outbox (always) and deliver through SMTP when MAIL_SERVER is set."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from festival.extensions import db
from festival.models import OutboxMail
from festival.models.types import utcnow

log = logging.getLogger(__name__)


def send_mail(*, to: str, subject: str, body: str, kind: str = "general") -> OutboxMail:
    """Queue a plain-text message in the outbox and try SMTP delivery; never raises on SMTP failure.

    The outbox row is flushed with the caller's transaction, so a mail about a change that is rolled
    back is rolled back too. SMTP errors are recorded on the row for admins to see.
    """
    mail = OutboxMail(recipient=to, subject=subject[:300], body=body, kind=kind)
    db.session.add(mail)
    server = current_app.config.get("MAIL_SERVER")
    if server:
        try:
            _deliver_smtp(mail)
            mail.sent_at = utcnow()
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("SMTP delivery to %s failed: %s", to, exc)
            mail.error = str(exc)[:2000]
    db.session.flush()
    return mail


def _deliver_smtp(mail: OutboxMail) -> None:
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_DEFAULT_SENDER"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
