"""Mail goes to the outbox in the request's transaction and is sent by the job queue's ``send_mail`` task
after the commit, to a real SMTP server in the test process: retries with backoff on temporary errors,
a final state with the last error, "send again", and what a dead worker left queued again."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from festival.extensions import db, job_queue
from festival.mail import services
from festival.mail.services import send_mail
from festival.models import AuditEvent, OutboxMail
from festival.models.enums import MailStatus
from festival.models.types import utcnow
from tests.conftest import csrf_token, log_in
from tests.mail.smtpserver import SMTPServer


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def app_overrides(request, smtp):
    """Mail to the test's SMTP server, retries after 0.2 s; a test adds settings with indirect=True."""
    base = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_RETRY_DELAY_SECONDS": 0.2}
    return {**base, **getattr(request, "param", {})}


def _mail() -> OutboxMail:
    mail = db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc())).first()
    db.session.refresh(mail)
    return mail


def _wait_for(predicate, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"not reached in {seconds} s; the mail is {_mail().status} after {_mail().attempts} tries")


def test_mail_is_sent_only_once_its_transaction_commits(app, smtp):
    send_mail(to="a@example.org", subject="Receipt", body="Thank you")
    assert smtp.received == []  # not before the commit
    assert _mail().status == MailStatus.QUEUED
    db.session.commit()
    (message,) = smtp.received
    assert message["To"] == "a@example.org" and message["Subject"] == "Receipt"
    assert message.get_content().strip() == "Thank you"
    mail = _mail()
    assert mail.status == MailStatus.SENT and mail.sent_at is not None and mail.attempts == 1
    assert mail.error is None


def test_a_rolled_back_mail_is_neither_kept_nor_sent(app, smtp):
    send_mail(to="b@example.org", subject="Receipt", body="Thank you")
    db.session.rollback()
    db.session.commit()
    assert smtp.received == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_a_subject_with_line_breaks_stays_one_header_line(app, smtp):
    send_mail(to="c@example.org", subject="Entry received:\r\nBcc: victim@example.org\n\nHi", body="x")
    db.session.commit()
    (message,) = smtp.received
    assert message["Subject"] == "Entry received: Bcc: victim@example.org Hi"
    assert message["Bcc"] is None
    assert _mail().subject == "Entry received: Bcc: victim@example.org Hi"


def test_a_final_refusal_fails_at_once_with_the_servers_answer(app, smtp):
    smtp.refuse("550 5.1.1 No such user here")
    send_mail(to="nobody@example.org", subject="Receipt", body="Thank you")
    db.session.commit()
    mail = _mail()
    assert mail.status == MailStatus.FAILED and mail.attempts == 1
    assert "No such user here" in mail.error and smtp.received == []


def test_a_temporary_refusal_queues_the_mail_for_a_later_try(app, smtp):
    smtp.refuse("451 4.3.0 Try again later")
    send_mail(to="d@example.org", subject="Receipt", body="Thank you")
    db.session.commit()  # the first try runs inline (the test queue), the retry waits in the queue
    mail = _mail()
    assert mail.status == MailStatus.QUEUED and mail.attempts == 1
    assert "Try again later" in mail.error and mail.next_attempt_at > utcnow()


@pytest.mark.parametrize("app_overrides", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 9}])
def test_an_unreachable_mail_server_never_fails_the_page(app, client, make):
    user = make.user(email="reset@example.org")  # nothing listens on port 9
    db.session.commit()
    response = client.post("/auth/reset", data={"email": user.email})
    assert response.status_code in (200, 302, 303)
    mail = _mail()
    assert mail.kind == "password_reset" and mail.status == MailStatus.QUEUED and mail.attempts == 1
    assert "Connection refused" in mail.error or "ConnectionRefusedError" in mail.error


@pytest.mark.parametrize("app_overrides", [{}])
def test_without_a_mail_server_mail_is_kept_in_the_outbox(app):
    send_mail(to="e@example.org", subject="Receipt", body="Thank you")
    db.session.commit()
    mail = _mail()
    assert mail.status == MailStatus.KEPT and mail.attempts == 0


def test_retry_delays_grow_four_times_and_stop_at_the_cap(app):
    app.config.update(MAIL_RETRY_DELAY_SECONDS=60, MAIL_RETRY_MAX_DELAY_SECONDS=3600)
    assert [services.retry_delay(n) for n in (1, 2, 3, 4)] == [60, 240, 960, 3600]


# ---------------------------------------------------------------- on a real queue, consumed by a worker


@pytest.fixture
def queued(app, smtp, tmp_path):
    """The embedded SQLite queue (not inline), consumed by worker threads while the test runs."""
    app.config.update(JOB_QUEUE_IMMEDIATE=False, JOB_QUEUE_PATH=str(tmp_path / "jobs.sqlite3"))
    app.extensions.pop("festival.jobs")
    job_queue.init_app(app)
    consumers = []
    yield lambda: consumers.append(job_queue.start_consumer(app)) or consumers[-1]
    for consumer in consumers:
        consumer.stop(graceful=True)


def test_a_server_that_fails_first_gets_the_mail_on_a_later_try(app, smtp, queued):
    smtp.refuse("451 4.3.0 Greylisted, try again later", "421 4.7.0 Too busy")
    send_mail(to="f@example.org", subject="Receipt", body="Thank you")
    db.session.commit()
    assert _mail().status == MailStatus.QUEUED and smtp.answered == []  # waits for a worker
    queued()
    _wait_for(lambda: _mail().status == MailStatus.SENT)
    mail = _mail()
    assert mail.attempts == 3 and len(smtp.received) == 1
    assert [answer[:3] for answer in smtp.answered] == ["451", "421", "250"]


@pytest.mark.parametrize(
    "app_overrides", [{"MAIL_MAX_ATTEMPTS": 2, "WTF_CSRF_ENABLED": True}], indirect=True
)  # the "send again" form posts a real CSRF token
def test_after_the_last_try_the_outbox_says_failed_and_an_admin_sends_it_again(
    app, smtp, queued, client, make
):
    smtp.refuse("451 4.3.0 Try again later", "452 4.2.2 Mailbox full")
    send_mail(to="g@example.org", subject="Your receipt", body="Thank you")
    db.session.commit()
    queued()
    _wait_for(lambda: _mail().status == MailStatus.FAILED)
    mail = _mail()
    assert mail.attempts == 2 and "Mailbox full" in mail.error and smtp.received == []

    admin = make.user(role="admin")
    db.session.commit()
    log_in(client, admin)
    listing = client.get("/admin/outbox?status=failed").get_data(as_text=True)
    assert "Your receipt" in listing and "failed after 2 tries" in listing
    page = f"/admin/outbox/{mail.id}"
    assert "Mailbox full" in client.get(page).get_data(as_text=True)
    token = csrf_token(client, page)
    response = client.post(f"{page}/send-again", data={"csrf_token": token})
    assert response.status_code == 303
    _wait_for(lambda: _mail().status == MailStatus.SENT)
    assert _mail().attempts == 1 and len(smtp.received) == 1
    (event,) = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "mail.send_again"))
    assert event.actor_id == admin.id and event.object_id == mail.id


def test_send_again_is_refused_while_the_mail_is_queued(app, client, make):
    mail = OutboxMail(recipient="h@example.org", subject="s", body="b", status=MailStatus.QUEUED)
    db.session.add(mail)
    log_in(client, make.user(role="admin"))
    db.session.commit()
    assert 'action="/admin/outbox/' not in client.get(f"/admin/outbox/{mail.id}").get_data(as_text=True)
    response = client.post(f"/admin/outbox/{mail.id}/send-again")
    assert response.status_code == 303
    assert _mail().status == MailStatus.QUEUED and _mail().attempts == 0


def _dead_worker() -> str:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return f"{socket.gethostname()}:{gone.stdout.strip()}:Worker-1"


def test_mail_a_dead_worker_left_is_queued_again_and_sent(app, smtp):
    now = utcnow()
    half_sent = OutboxMail(
        recipient="i@example.org", subject="Half sent", body="b", status=MailStatus.SENDING,
        attempts=1, claimed_at=now, worker=_dead_worker(),
    )  # fmt: skip
    lost = OutboxMail(
        recipient="j@example.org", subject="Lost by the queue", body="b", status=MailStatus.QUEUED,
        created_at=now - timedelta(hours=1), next_attempt_at=now - timedelta(minutes=30),
    )  # fmt: skip
    waiting = OutboxMail(
        recipient="k@example.org", subject="Next try later", body="b", status=MailStatus.QUEUED,
        attempts=1, next_attempt_at=now + timedelta(minutes=5),
    )  # fmt: skip
    db.session.add_all([half_sent, lost, waiting])
    db.session.commit()
    assert services.requeue_stale_mail() == 2
    assert sorted(m["Subject"] for m in smtp.received) == ["Half sent", "Lost by the queue"]
    statuses = dict(db.session.execute(sa.select(OutboxMail.subject, OutboxMail.status)).all())
    assert statuses == {
        "Half sent": MailStatus.SENT,
        "Lost by the queue": MailStatus.SENT,
        "Next try later": MailStatus.QUEUED,
    }
    assert services.requeue_stale_mail() == 0


@pytest.mark.parametrize(
    "app_overrides",
    [{"MAIL_SERVER": "127.0.0.1", "JOB_QUEUE_IMMEDIATE": False, "REDIS_URL": "redis://127.0.0.1:9/0"}],
)
def test_a_queue_that_cannot_take_the_mail_never_fails_the_page(app, client, make):
    user = make.user(email="queue-down@example.org")  # Redis is unreachable: nothing listens on port 9
    db.session.commit()
    response = client.post("/auth/reset", data={"email": user.email})
    assert response.status_code in (200, 302, 303)
    mail = _mail()
    assert mail.status == MailStatus.QUEUED and mail.attempts == 0  # the reaper hands it over later
