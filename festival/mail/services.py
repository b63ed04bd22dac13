"""Outgoing mail: written to the outbox in the caller's transaction, sent by the job queue after it commits.

The states of an OutboxMail (``status``; this module is its only writer)::

    kept     no SMTP server is configured (MAIL_SERVER): the outbox is where the mail goes
    queued   waiting for a worker: the first try, or the next one at ``next_attempt_at``
    sending  a worker is handing it to the SMTP server (``worker``, ``claimed_at``)
    sent     the SMTP server accepted it (``sent_at``)
    failed   refused for good (an SMTP 5xx answer), or still failing after MAIL_MAX_ATTEMPTS tries;
             ``error`` holds the last answer. An admin can send it again (``send_again``).

``send_mail`` queues the task ``send_mail`` only once the caller's transaction commits (a rolled-back
request sends nothing), and never raises because of the queue or the mail server: a page never fails
because of mail. The task (``deliver``) takes the mail with a compare-and-set UPDATE, so two workers never
send it twice, and on a temporary SMTP error (a 4xx answer, a refused or broken connection) puts it back
in the queue with a growing delay (MAIL_RETRY_DELAY_SECONDS, times four after each try).
``requeue_stale_mail`` (when a worker starts, and on the admin outbox) hands back to the queue what a
dead worker left: mail "sending" on a worker that is gone or silent, mail "queued" whose try is long due.
"""

from __future__ import annotations

import logging
import re
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from festival.audit import record
from festival.errors import InvalidTransition
from festival.extensions import db, job_queue
from festival.formtools import single_line
from festival.jobs import RetryLater, worker_id, worker_is_gone
from festival.models import OutboxMail, User
from festival.models.enums import MailStatus
from festival.models.types import utcnow

log = logging.getLogger(__name__)

SEND_MAIL = "send_mail"  # the job-queue task that delivers one outbox mail
SUBJECT_LENGTH = 300  # OutboxMail.subject
_PENDING = "festival.pending_mail"
DUE_TOLERANCE = timedelta(seconds=1)  # a try the queue brings a little early is still due
_SMTP_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USERNAME", "MAIL_PASSWORD")


def smtp_configured() -> bool:
    """Whether mail goes to an SMTP server (else it is only kept in the outbox)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(*, to: str, subject: str, body: str, kind: str = "general") -> OutboxMail:
    """Write a plain-text mail to the outbox (flushed with the caller's transaction) and, with an SMTP
    server configured, have the job queue send it once that transaction commits.

    A mail about a change that is rolled back disappears with it and is never sent. The subject is made
    one line (``single_line``): titles and names people typed cannot break the header."""
    mail = OutboxMail(
        recipient=single_line(to, 254),
        subject=single_line(subject, SUBJECT_LENGTH),
        body=body,
        kind=kind,
        status=MailStatus.QUEUED if smtp_configured() else MailStatus.KEPT,
    )
    db.session.add(mail)
    db.session.flush()
    if mail.status == MailStatus.QUEUED:
        _queue_after_commit(mail.id)
    return mail


def _queue_after_commit(mail_id: int) -> None:
    db.session().info.setdefault(_PENDING, []).append(mail_id)


def enqueue(mail_id: int) -> bool:
    """Hand a committed queued mail to the job queue; False (logged) when the queue cannot take it now:
    the mail stays queued and ``requeue_stale_mail`` hands it over later. Never raises."""
    try:
        job_queue.enqueue(SEND_MAIL, mail_id)
    except Exception:  # the queue's storage is down (Redis unreachable, disk full, ...): not the page's fault
        log.exception("could not queue mail %s; it stays queued for the next worker start", mail_id)
        return False
    return True


RESENDABLE = (MailStatus.KEPT, MailStatus.SENT, MailStatus.FAILED)


class MailNotResendable(InvalidTransition):
    """A mail that cannot be sent again now."""


def send_again(mail: OutboxMail, *, actor: User | None) -> OutboxMail:
    """Queue a mail again with a fresh count of tries (an admin's "send again"), after the caller commits.

    Raises MailNotResendable when no SMTP server is configured or the mail is queued or being sent."""
    if not smtp_configured():
        raise MailNotResendable(_l("No SMTP server is configured (MAIL_SERVER): mail stays in the outbox."))
    old = mail.status
    changed = db.session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail.id, OutboxMail.status.in_(RESENDABLE))
        .values(status=MailStatus.QUEUED, attempts=0, next_attempt_at=utcnow(), worker=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(mail)
        raise MailNotResendable(_l("This mail is queued or being sent right now."))
    db.session.refresh(mail)
    record(mail, actor=actor, action="mail.send_again", field="status", old=old.value, new=mail.status.value)
    _queue_after_commit(mail.id)
    return mail


# ---------------------------------------------------------------- the worker side


def _settle(mail_id: int, me: str, **values) -> bool:
    """End this worker's hold on a mail (in a short transaction of its own): only if it still holds it."""
    stmt = (
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status == MailStatus.SENDING, OutboxMail.worker == me)
        .values(**values)
    )
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def _claim(mail_id: int, me: str, now: datetime) -> bool:
    """Take a queued mail whose try is due (compare-and-set: one worker only); counts the try."""
    stmt = (
        sa.update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == MailStatus.QUEUED,
            sa.or_(OutboxMail.next_attempt_at.is_(None), OutboxMail.next_attempt_at <= now + DUE_TOLERANCE),
        )
        .values(status=MailStatus.SENDING, worker=me, claimed_at=now, attempts=OutboxMail.attempts + 1)
    )
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount == 1


def max_attempts() -> int:
    """How many tries a mail gets before it is "failed" (MAIL_MAX_ATTEMPTS)."""
    return int(current_app.config.get("MAIL_MAX_ATTEMPTS", 5))


def retry_delay(attempts: int) -> float:
    """Seconds before the next try after ``attempts`` tries: the base delay, times four after each try,
    at most MAIL_RETRY_MAX_DELAY_SECONDS."""
    cfg = current_app.config
    base = float(cfg.get("MAIL_RETRY_DELAY_SECONDS", 60))
    return min(base * 4 ** max(0, attempts - 1), float(cfg.get("MAIL_RETRY_MAX_DELAY_SECONDS", 6 * 3600)))


def deliver(mail_id: int) -> MailStatus | None:
    """The task: hand one queued mail to the SMTP server. Returns its new status, or None when it was not
    this worker's to send (sent already, taken by another worker, or its next try not yet due).

    Raises RetryLater after a temporary failure, so the job queue runs it again at its next try."""
    me, now = worker_id(), utcnow()
    if not _claim(mail_id, me, now):
        log.info("mail %s is not due for sending: skipped", mail_id)
        return None
    mail = db.session.get(OutboxMail, mail_id)
    db.session.refresh(mail)
    attempts, cfg = mail.attempts, current_app.config
    if not cfg.get("MAIL_SERVER"):
        _settle(mail_id, me, status=MailStatus.KEPT, error="No SMTP server is configured (MAIL_SERVER).")
        return MailStatus.KEPT
    try:
        message = build_message(mail, cfg["MAIL_DEFAULT_SENDER"])
        db.session.rollback()  # hold no transaction open while talking to the mail server
        _hand_over(message, {key: cfg.get(key) for key in _SMTP_SETTINGS})
    except Exception as exc:  # every outcome is written on the row; nothing reaches the page
        return _failed(mail_id, me, attempts, exc)
    _settle(mail_id, me, status=MailStatus.SENT, sent_at=utcnow(), error=None)
    log.info("mail %s sent to the SMTP server", mail_id)
    return MailStatus.SENT


def _failed(mail_id: int, me: str, attempts: int, exc: Exception) -> MailStatus:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    if not temporary(exc) or attempts >= max_attempts():
        log.warning("mail %s failed after %s tries: %s", mail_id, attempts, error)
        _settle(mail_id, me, status=MailStatus.FAILED, error=error)
        return MailStatus.FAILED
    delay = retry_delay(attempts)
    log.info("mail %s: try %s failed (%s); next try in %s s", mail_id, attempts, error, delay)
    if _settle(
        mail_id,
        me,
        status=MailStatus.QUEUED,
        error=error,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
    ):
        raise RetryLater(delay, f"mail {mail_id}: {error}")
    return MailStatus.QUEUED


def temporary(exc: BaseException) -> bool:
    """Whether trying again later may help: a 4xx answer, a refused, broken or timed-out connection.
    A 5xx answer (no such user, relaying denied, authentication refused) is final."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code < 500 for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code < 500
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return False
    return isinstance(exc, smtplib.SMTPException | OSError)


def build_message(mail: OutboxMail, sender: str) -> EmailMessage:
    """The mail as a message: headers one line each (``single_line`` again: rows written before subjects
    were made one line), UTF-8 plain text."""
    message = EmailMessage()
    message["From"] = single_line(sender)
    message["To"] = single_line(mail.recipient)
    message["Subject"] = single_line(mail.subject)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{mail.id}", domain=_domain_of(sender))
    message.set_content(mail.body)
    return message


def _domain_of(sender: str) -> str:
    domain = single_line(sender).rpartition("@")[2].strip(" >")
    return domain if re.fullmatch(r"[A-Za-z0-9.-]{1,253}", domain) else "localhost"


def _hand_over(message: EmailMessage, cfg: dict) -> None:
    timeout = float(current_app.config.get("MAIL_TIMEOUT_SECONDS", 20))
    with smtplib.SMTP(cfg["MAIL_SERVER"], int(cfg["MAIL_PORT"] or 25), timeout=timeout) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


# ---------------------------------------------------------------- what a dead worker left


def requeue_stale_mail(now: datetime | None = None) -> int:
    """Hand back to the job queue the mail a dead worker left; returns how many.

    * "sending" on a worker process that is gone (this host), or for longer than MAIL_SENDING_STALE_SECONDS:
      queued again (or failed, when that was its last try);
    * "queued" with its try due for longer than MAIL_QUEUED_STALE_SECONDS (the queue lost it, or could not
      take it): queued again now.

    Each change is a compare-and-set, so two reapers (or a late worker) never queue a mail twice."""
    if not smtp_configured():
        return 0
    now = now or utcnow()
    cfg = current_app.config
    sending_stale = now - timedelta(seconds=float(cfg.get("MAIL_SENDING_STALE_SECONDS", 300)))
    queued_stale = now - timedelta(seconds=float(cfg.get("MAIL_QUEUED_STALE_SECONDS", 600)))
    tries = max_attempts()
    requeued: list[int] = []
    stmt = sa.select(OutboxMail.id, OutboxMail.worker, OutboxMail.claimed_at, OutboxMail.attempts).where(
        OutboxMail.status == MailStatus.SENDING
    )
    for mail_id, worker, claimed, attempts in db.session.execute(stmt).all():
        if not (worker_is_gone(worker) or claimed is None or claimed < sending_stale):
            continue
        last = attempts >= tries
        values = (
            {"status": MailStatus.FAILED, "error": f"The worker {worker} died while sending the last try."}
            if last
            else {"status": MailStatus.QUEUED, "next_attempt_at": now, "worker": None}
        )
        where = (
            OutboxMail.id == mail_id,
            OutboxMail.status == MailStatus.SENDING,
            _is(OutboxMail.worker, worker),
        )
        if _update(where, values) and not last:
            requeued.append(mail_id)
    due = sa.func.coalesce(OutboxMail.next_attempt_at, OutboxMail.created_at)
    stmt = sa.select(OutboxMail.id, OutboxMail.next_attempt_at).where(
        OutboxMail.status == MailStatus.QUEUED, due < queued_stale
    )
    for mail_id, next_at in db.session.execute(stmt).all():
        same = _is(OutboxMail.next_attempt_at, next_at)
        where = (OutboxMail.id == mail_id, OutboxMail.status == MailStatus.QUEUED, same)
        if _update(where, {"next_attempt_at": now}):
            requeued.append(mail_id)
    db.session.rollback()  # what was read is stale now
    for mail_id in requeued:
        log.warning("mail %s was left behind by a worker: queued again", mail_id)
        enqueue(mail_id)
    return len(requeued)


def _is(column, value):
    """``column`` still holds ``value`` (NULL included): the compare of a compare-and-set."""
    return column.is_(None) if value is None else column == value


def _update(where: tuple, values: dict) -> bool:
    with db.engine.begin() as conn:
        return conn.execute(sa.update(OutboxMail).where(*where).values(**values)).rowcount == 1


# ---------------------------------------------------------------- the transaction hooks


def _after_commit(session: Session) -> None:
    for mail_id in session.info.pop(_PENDING, []):
        enqueue(mail_id)


def _after_transaction_end(session: Session, transaction) -> None:
    # after_commit has taken what was committed; mail still here belongs to a rolled-back transaction
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def install_mail_hooks() -> None:
    """Queue mail after commits and forget it after rollbacks (idempotent)."""
    if not sa.event.contains(Session, "after_commit", _after_commit):
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_transaction_end", _after_transaction_end)
