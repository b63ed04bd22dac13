"""Mail is kept in the outbox and delivered by SMTP only once its transaction commits."""

from __future__ import annotations

import smtplib

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.mail.services import send_mail
from festival.models import OutboxMail


class RecordingSMTP:
    """Stands in for the mail server's SMTP endpoint (no network in tests) and records messages."""

    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        if RecordingSMTP.fail:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"no such user")})
        RecordingSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    RecordingSMTP.sent, RecordingSMTP.fail = [], False
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    return RecordingSMTP


def test_mail_is_delivered_after_commit_and_marked_sent(smtp):
    send_mail(to="a@example.org", subject="Receipt", body="Thank you")
    assert smtp.sent == []  # not before the commit
    db.session.commit()
    assert [m["To"] for m in smtp.sent] == ["a@example.org"]
    mail = db.session.scalar(sa.select(OutboxMail))
    db.session.refresh(mail)
    assert mail.sent_at is not None and mail.error is None


def test_rolled_back_mail_is_neither_kept_nor_sent(smtp):
    send_mail(to="b@example.org", subject="Receipt", body="Thank you")
    db.session.rollback()
    db.session.commit()
    assert smtp.sent == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_smtp_failure_is_recorded_on_the_outbox_row(smtp):
    smtp.fail = True
    send_mail(to="c@example.org", subject="Receipt", body="Thank you")
    db.session.commit()
    mail = db.session.scalar(sa.select(OutboxMail))
    db.session.refresh(mail)
    assert mail.sent_at is None and "no such user" in mail.error


def test_without_a_mail_server_mail_stays_in_the_outbox(app, monkeypatch):
    monkeypatch.setattr(smtplib, "SMTP", None)  # any SMTP use would fail
    send_mail(to="d@example.org", subject="Receipt", body="Thank you")
    db.session.commit()
    assert db.session.scalar(sa.select(OutboxMail.recipient)) == "d@example.org"
