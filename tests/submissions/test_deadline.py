"""The entry deadline is enforced on the server as an aware instant in the edition's timezone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from festival.extensions import db
from festival.models.enums import EntryStatus
from festival.submissions import errors, services, window
from tests.submissions.conftest import beijing, mails

# The edition fixture closes at 2031-03-14 23:59 Beijing time (= 15:59 UTC).
BEFORE = beijing(2031, 3, 14, 23, 58)
AT = beijing(2031, 3, 14, 23, 59)
AFTER = beijing(2031, 3, 15, 0, 0)  # 16:00 UTC: a naive UTC wall-clock comparison would call it "open"


def test_window_is_open_before_the_deadline_and_closed_at_and_after_it(complete_entry):
    entry = complete_entry()
    assert window.window_open(entry, BEFORE)
    assert not window.window_open(entry, AT)  # half-open: the deadline instant itself is closed
    assert not window.window_open(entry, AFTER)


def test_a_reopening_ends_at_its_instant_like_the_deadline(complete_entry):
    entry = complete_entry(reopened_until=AFTER + timedelta(hours=1))
    assert window.window_open(entry, AFTER)
    assert window.window_open(entry, AFTER + timedelta(minutes=59))
    assert not window.window_open(entry, AFTER + timedelta(hours=1))


def test_submit_at_2358_beijing_succeeds(complete_entry, filmmaker, clock, auth, client):
    entry = complete_entry()
    clock(BEFORE)
    auth.login_as(filmmaker)
    response = client.post(
        f"/entries/{entry.id}/submit", data={"accept_terms": "y", "version": entry.version}
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.status == EntryStatus.SUBMITTED
    assert entry.submitted_at == BEFORE


def test_submit_at_0000_beijing_is_refused_and_says_why(complete_entry, filmmaker, clock, auth, client):
    entry = complete_entry()
    clock(AFTER)
    auth.login_as(filmmaker)
    response = client.post(f"/entries/{entry.id}/submit", data={"accept_terms": "y"}, follow_redirects=True)
    assert "deadline has passed" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.status == EntryStatus.DRAFT
    assert entry.reference is None
    assert mails("entry_receipt") == []


def test_saving_a_step_after_the_deadline_changes_nothing(complete_entry, filmmaker, clock, auth, client):
    entry = complete_entry()
    clock(AFTER)
    auth.login_as(filmmaker)
    response = client.post(
        f"/entries/{entry.id}/edit/film", data={"title_original": "Changed", "version": entry.version}
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.title_original == "Nordlicht über uns"


def test_form_page_after_the_deadline_is_read_only_and_says_it_is_closed(
    complete_entry, filmmaker, clock, auth, client
):
    entry = complete_entry()
    clock(AFTER)
    auth.login_as(filmmaker)
    html = client.get(f"/entries/{entry.id}/edit/film").get_data(as_text=True)
    assert "The entry form is closed" in html
    assert "2031-03-14 23:59" in html  # shown in Beijing time
    assert "<fieldset disabled" in html


def test_a_submitted_entry_can_be_edited_until_the_deadline_only(complete_entry, filmmaker):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=BEFORE)
    version = entry.version
    services.save_step(
        entry,
        "links",
        {"trailer_url": "https://vimeo.com/999"},
        actor=filmmaker,
        expected_version=version,
        now=BEFORE,
    )
    assert entry.trailer_url == "https://vimeo.com/999"
    with pytest.raises(errors.DeadlinePassed):
        services.save_step(
            entry,
            "links",
            {"trailer_url": "https://vimeo.com/1"},
            actor=filmmaker,
            expected_version=None,
            now=AFTER,
        )


def test_no_new_entry_after_the_deadline(edition, filmmaker):
    with pytest.raises(errors.DeadlinePassed):
        services.create_entry(edition, owner=filmmaker, now=AFTER)
    assert services.create_entry(edition, owner=filmmaker, now=BEFORE).status == EntryStatus.DRAFT


def test_withdrawing_stays_possible_after_the_deadline(complete_entry, filmmaker):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=BEFORE)
    services.withdraw_entry(entry, actor=filmmaker, now=AFTER)
    assert entry.status == EntryStatus.WITHDRAWN
    assert entry.withdrawn_at == AFTER


def test_reopened_entry_can_be_submitted_until_the_reopening_ends(complete_entry, filmmaker, staff):
    entry = complete_entry()
    until = beijing(2031, 3, 16, 12, 0)
    services.reopen_entry(entry, actor=staff, until=until, now=AFTER)
    assert window.window_open(entry, beijing(2031, 3, 16, 11, 59))
    assert not window.window_open(entry, beijing(2031, 3, 16, 12, 1))
    assert services.submit_entry(entry, actor=filmmaker, accept_terms=True, now=beijing(2031, 3, 16, 11, 59))
    assert entry.status == EntryStatus.SUBMITTED


def test_reopening_one_entry_does_not_open_the_others(complete_entry, filmmaker, other_filmmaker, staff):
    reopened, other = complete_entry(), complete_entry(owner=other_filmmaker)
    services.reopen_entry(reopened, actor=staff, until=beijing(2031, 3, 16, 12, 0), now=AFTER)
    assert window.window_open(reopened, AFTER)
    assert not window.window_open(other, AFTER)
