"""Saving a step in place: the step page's script posts the same form asking for JSON and gets the
entry's new version and a message, never a redirect; every refusal is JSON too and writes nothing."""

from __future__ import annotations

import pytest

from festival.extensions import db
from festival.models import Entry
from festival.models.enums import EntryStatus
from tests.conftest import Auth, csrf_token
from tests.submissions.conftest import beijing
from tests.submissions.test_form import _statements

JSON = {"Accept": "application/json"}


@pytest.fixture
def draft(complete_entry):
    return complete_entry()


def _save(client, entry_id, version, **fields):
    return client.post(
        f"/entries/{entry_id}/edit/film",
        data={"version": version, "save": "1", **fields},
        headers=JSON,
    )


def test_a_save_in_place_answers_the_new_version_and_the_time(client, auth, filmmaker, draft, clock):
    clock(beijing(2031, 3, 2, 14, 5))
    auth.login_as(filmmaker)
    entry_id, version = draft.id, draft.version
    first = _save(client, entry_id, version, synopsis_short="First autosave.")
    assert first.status_code == 200 and "Location" not in first.headers
    assert first.json["saved"] is True and first.json["errors"] == {}
    assert first.json["version"] == version + 1
    assert first.json["message"] == "Saved at 14:05 (Beijing time)."
    # the next save sends the version it was given, and goes through
    second = _save(client, entry_id, first.json["version"], synopsis_short="Second autosave.")
    assert second.status_code == 200 and second.json["version"] == version + 2
    db.session.expire_all()
    stored = db.session.get(Entry, entry_id)
    assert stored.synopsis_short == "Second autosave." and stored.version == version + 2


def test_a_save_in_place_with_an_old_version_is_refused_and_gives_no_version(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    entry_id, old = draft.id, draft.version
    draft.synopsis_short = "Changed in another tab."
    db.session.commit()
    response = _save(client, entry_id, old, synopsis_short="Typed here.")
    assert response.status_code == 409
    assert response.json["saved"] is False and "version" not in response.json
    assert "changed elsewhere" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).synopsis_short == "Changed in another tab."


def test_a_draft_keeps_the_valid_fields_and_the_answer_names_the_rejected_ones(
    client, auth, filmmaker, draft
):
    auth.login_as(filmmaker)
    entry_id, version, runtime = draft.id, draft.version, draft.runtime_minutes
    response = _save(client, entry_id, version, synopsis_short="Kept.", runtime_minutes="9000")
    assert response.status_code == 422
    body = response.json
    assert body["saved"] is True and body["version"] == version + 1
    assert list(body["errors"]) == ["runtime_minutes"] and body["errors"]["runtime_minutes"]
    db.session.expire_all()
    stored = db.session.get(Entry, entry_id)
    assert stored.synopsis_short == "Kept." and stored.runtime_minutes == runtime


def test_a_submitted_entry_is_not_partly_written_in_place(client, auth, filmmaker, complete_entry):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=beijing(2031, 3, 1, 9, 0))
    auth.login_as(filmmaker)
    entry_id, version = entry.id, entry.version
    response = _save(client, entry_id, version, synopsis_short="New.", country="")
    assert response.status_code == 422
    assert response.json["saved"] is False and "version" not in response.json
    assert "country" in response.json["errors"]
    db.session.expire_all()
    stored = db.session.get(Entry, entry_id)
    assert stored.version == version and stored.country == "Germany"


def test_after_the_deadline_a_save_in_place_is_refused_in_json(client, auth, filmmaker, draft, clock):
    clock(beijing(2031, 3, 15, 0, 1))
    auth.login_as(filmmaker)
    entry_id, version = draft.id, draft.version
    response = _save(client, entry_id, version, synopsis_short="Too late.")
    assert response.status_code == 409
    assert response.json["saved"] is False and "deadline" in response.json["message"].lower()
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).version == version


def test_a_save_in_place_needs_the_real_csrf_token(csrf_client, filmmaker, draft):
    entry_id, version = draft.id, draft.version
    Auth(csrf_client).login_as(filmmaker)
    token = csrf_token(csrf_client, f"/entries/{entry_id}/edit/film")
    refused = _save(csrf_client, entry_id, version, synopsis_short="No token.")
    assert refused.status_code == 400 and "expired" in refused.json["message"]
    saved = _save(csrf_client, entry_id, version, synopsis_short="With token.", csrf_token=token)
    assert saved.status_code == 200 and saved.json["version"] == version + 1
    db.session.expire_all()
    assert db.session.get(Entry, entry_id).synopsis_short == "With token."


def test_a_save_in_place_takes_the_same_three_statements_as_a_save(client, auth, filmmaker, draft):
    entry_id, version = draft.id, draft.version
    auth.login_as(filmmaker)
    sent = _statements(lambda: _save(client, entry_id, version, synopsis_short="Counted."))
    assert sent == ["SELECT", "SELECT", "UPDATE"], sent


def test_another_filmmakers_entry_is_not_found_in_json(client, auth, other_filmmaker, draft):
    auth.login_as(other_filmmaker)
    response = _save(client, draft.id, draft.version, synopsis_short="Not mine.")
    assert response.status_code == 404 and response.is_json
    db.session.expire_all()
    assert db.session.get(Entry, draft.id).synopsis_short != "Not mine."
