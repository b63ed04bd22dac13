"""Submitting: one transaction with reference, status, time and receipt; idempotent; withdrawal."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Entry
from festival.models.enums import EntryStatus
from festival.submissions import errors, services
from tests.conftest import Auth, csrf_token
from tests.submissions.conftest import beijing, mails

NOW = beijing(2031, 3, 10, 9, 30)


def test_submission_gives_a_reference_and_sends_a_receipt(complete_entry, filmmaker, clock, client, auth):
    clock(NOW)
    entry = complete_entry()
    auth.login_as(filmmaker)
    response = client.post(
        f"/entries/{entry.id}/submit", data={"accept_terms": "y", "version": entry.version}
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.reference == "BJIFF21-ST-0001" and entry.number == 1
    assert entry.submitted_at == NOW and entry.terms_accepted_at == NOW
    (receipt,) = mails("entry_receipt")
    assert receipt.recipient == filmmaker.email
    assert "BJIFF21-ST-0001" in receipt.subject and "BJIFF21-ST-0001" in receipt.body
    assert "2031-03-10 09:30" in receipt.body  # Beijing time
    assert "Northern Lights Above Us" in receipt.body
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "BJIFF21-ST-0001" in page and "Submitted" in page


@pytest.mark.parametrize(
    "app_overrides", [{"PUBLIC_BASE_URL": "https://festival.example.cn", "SERVER_NAME": None}]
)
def test_the_receipt_links_to_the_public_site_whatever_the_host_header(
    complete_entry, filmmaker, clock, client, auth
):
    clock(NOW)
    entry = complete_entry()
    auth.login_as(filmmaker, base_url="http://evil.example")
    data = {"accept_terms": "y", "version": entry.version}
    client.post(f"/entries/{entry.id}/submit", data=data, base_url="http://evil.example")
    (receipt,) = mails("entry_receipt")
    assert f"https://festival.example.cn/entries/{entry.id}" in receipt.body
    assert "evil.example" not in receipt.body


def test_references_count_up_per_edition(complete_entry, other_filmmaker, filmmaker, make):
    first, second = complete_entry(), complete_entry(owner=other_filmmaker)
    services.submit_entry(first, actor=filmmaker, accept_terms=True, now=NOW)
    services.submit_entry(second, actor=other_filmmaker, accept_terms=True, now=NOW)
    assert (first.reference, second.reference) == ("BJIFF21-ST-0001", "BJIFF21-ST-0002")


def test_double_submit_makes_one_reference_and_one_mail(complete_entry, filmmaker, clock, client, auth):
    clock(NOW)
    entry = complete_entry()
    auth.login_as(filmmaker)
    data = {"accept_terms": "y", "version": entry.version}
    first = client.post(f"/entries/{entry.id}/submit", data=data)
    second = client.post(f"/entries/{entry.id}/submit", data=data, follow_redirects=True)
    assert first.status_code == 303 and second.status_code == 200
    assert "already submitted" in second.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.reference == "BJIFF21-ST-0001"
    assert len(mails("entry_receipt")) == 1
    numbers = db.session.scalars(sa.select(Entry.number).where(Entry.number.is_not(None))).all()
    assert numbers == [1]


def test_submit_service_is_idempotent(complete_entry, filmmaker):
    entry = complete_entry()
    assert services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW) is True
    assert services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW) is False
    assert entry.number == 1 and len(mails("entry_receipt")) == 1


def test_incomplete_entry_is_not_submitted_and_the_review_page_says_what_is_missing(
    make, edition, filmmaker, clock, client, auth
):
    entry = make.entry(edition, filmmaker, title_en="Half done", country=None)
    db.session.commit()
    auth.login_as(filmmaker)
    response = client.post(f"/entries/{entry.id}/submit", data={"version": entry.version})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Give the country of production." in html
    assert "Upload a poster." in html
    assert "Accept the festival&#39;s terms." in html
    db.session.refresh(entry)
    assert entry.status == EntryStatus.DRAFT and entry.reference is None
    assert mails() == []


def test_terms_must_be_accepted(complete_entry, filmmaker):
    entry = complete_entry()
    with pytest.raises(errors.IncompleteEntry) as caught:
        services.submit_entry(entry, actor=filmmaker, accept_terms=False, now=NOW)
    assert [field for field, _ in caught.value.problems] == ["terms"]
    assert entry.status == EntryStatus.DRAFT


def test_unconfirmed_filmmaker_may_draft_but_not_submit(make, edition, complete_entry, client, auth, clock):
    newcomer = make.user(role="filmmaker")
    newcomer.email_confirmed_at = None
    entry = complete_entry(owner=newcomer)
    auth.login_as(newcomer)
    saved = client.post(
        f"/entries/{entry.id}/edit/links",
        data={
            "version": entry.version,
            "trailer_url": "https://vimeo.com/2",
            "screener_url": entry.screener_url,
        },
    )
    assert saved.status_code == 303
    response = client.post(
        f"/entries/{entry.id}/submit",
        data={"accept_terms": "y", "version": entry.version},
        follow_redirects=True,
    )
    assert "confirm your e-mail address" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == EntryStatus.DRAFT and entry.trailer_url == "https://vimeo.com/2"


def test_submit_from_a_stale_review_page_is_refused(complete_entry, filmmaker):
    entry = complete_entry()
    with pytest.raises(errors.StaleEntry):
        services.submit_entry(
            entry, actor=filmmaker, accept_terms=True, expected_version=entry.version - 1, now=NOW
        )


def test_withdraw_asks_for_confirmation_then_withdraws_and_mails(
    complete_entry, filmmaker, clock, client, auth
):
    clock(NOW)
    entry = complete_entry()
    services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW)
    db.session.commit()
    auth.login_as(filmmaker)
    page = client.get(f"/entries/{entry.id}/withdraw")
    assert page.status_code == 200 and "Withdraw the entry" in page.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == EntryStatus.SUBMITTED
    assert client.post(f"/entries/{entry.id}/withdraw").status_code == 303
    db.session.refresh(entry)
    assert entry.status == EntryStatus.WITHDRAWN and entry.withdrawn_at == NOW
    assert len(mails("entry_withdrawn")) == 1


def test_withdrawn_entry_is_resubmitted_with_the_same_reference(complete_entry, filmmaker):
    entry = complete_entry()
    services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW)
    services.withdraw_entry(entry, actor=filmmaker, now=NOW)
    later = beijing(2031, 3, 11, 10, 0)
    assert services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=later)
    assert entry.reference == "BJIFF21-ST-0001" and entry.submitted_at == later and entry.withdrawn_at is None
    assert len(mails("entry_receipt")) == 2


def test_a_draft_cannot_be_withdrawn_and_a_submitted_entry_cannot_be_deleted(complete_entry, filmmaker):
    entry = complete_entry()
    with pytest.raises(errors.InvalidTransition):
        services.withdraw_entry(entry, actor=filmmaker, now=NOW)
    services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW)
    with pytest.raises(errors.InvalidTransition):
        services.delete_draft(entry, actor=filmmaker)


def test_transitions_outside_the_table_are_refused(complete_entry, staff):
    entry = complete_entry()
    with pytest.raises(errors.InvalidTransition):
        services.set_entry_status(entry, EntryStatus.ACCEPTED, actor=staff, now=NOW)


def test_reference_allocation_retries_after_a_concurrent_collision(
    complete_entry, other_filmmaker, filmmaker, monkeypatch
):
    taken = complete_entry(owner=other_filmmaker)
    services.submit_entry(taken, actor=other_filmmaker, accept_terms=True, now=NOW)
    entry = complete_entry()
    # Simulate a concurrent submission that committed number 1 after we read max(number) = 0.
    answers = iter([1, 2])
    monkeypatch.setattr(services, "_next_number", lambda edition_id: next(answers))
    services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW)
    assert entry.number == 2 and entry.reference == "BJIFF21-ST-0002"
    db.session.commit()
    assert db.session.get(Entry, taken.id).number == 1


def test_receipt_is_written_in_the_entry_language(complete_entry, filmmaker):
    entry = complete_entry(language="zh")
    services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=NOW)
    (receipt,) = mails("entry_receipt")
    assert "BJIFF21-ST-0001" in receipt.subject
    assert "我们头顶的北极光" in receipt.body


def test_a_failed_submission_leaves_nothing_half_written(
    complete_entry, filmmaker, monkeypatch, clock, client, auth
):
    clock(NOW)
    entry = complete_entry()

    def broken_mail(entry):
        raise RuntimeError("mail system down")

    monkeypatch.setattr(services.mails, "send_receipt", broken_mail)
    auth.login_as(filmmaker)
    with pytest.raises(RuntimeError):
        client.post(f"/entries/{entry.id}/submit", data={"accept_terms": "y", "version": entry.version})
    db.session.rollback()
    db.session.refresh(entry)
    assert entry.status == EntryStatus.DRAFT and entry.reference is None and entry.number is None
    assert entry.terms_accepted_at is None


def test_submit_with_a_real_csrf_token(csrf_client, complete_entry, filmmaker, clock):
    entry = complete_entry()
    Auth(csrf_client).login_as(filmmaker)
    token = csrf_token(csrf_client, f"/entries/{entry.id}/edit/review")
    response = csrf_client.post(
        f"/entries/{entry.id}/submit",
        data={"csrf_token": token, "accept_terms": "y", "version": entry.version},
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status == EntryStatus.SUBMITTED


@pytest.fixture
def smtp_server():
    from tests.mail.smtpserver import SMTPServer

    server = SMTPServer().start()
    yield server
    server.stop()


def test_a_title_with_a_line_break_submits_and_mails_a_one_line_subject(
    app, smtp_server, complete_entry, filmmaker, clock, client, auth
):
    """Issue 15 item 9: a title holding a line break (written before titles were made one line) made the
    receipt fail after the commit, and the filmmaker saw a 500 for a submission that succeeded."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    clock(NOW)
    entry = complete_entry(title_en="Northern Lights\nAbove Us")
    auth.login_as(filmmaker)
    response = client.post(
        f"/entries/{entry.id}/submit", data={"accept_terms": "y", "version": entry.version}
    )
    assert response.status_code == 303
    (message,) = smtp_server.received
    assert message["Subject"] == "Entry received: BJIFF21-ST-0001 Northern Lights Above Us"
    (receipt,) = mails("entry_receipt")
    assert receipt.status == "sent" and receipt.subject == message["Subject"]
