"""The request plumbing every area shares (festival.handlers): refusals, redirects, the net under views."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from sqlalchemy.orm.exc import StaleDataError

from festival import create_app
from festival.errors import InvalidInput, NotAllowed, StaleEdit
from festival.handlers import Render, perform


@pytest.fixture
def bare_app(tmp_path):
    """An app with two extra views that let a refusal escape (the net answers them)."""
    uri = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SQLALCHEMY_DATABASE_URI": uri})

    def refuse():
        raise NotAllowed("Not you.")

    def lose_a_race():
        raise StaleDataError("a concurrent update won")

    app.add_url_rule("/_refuse", "refuse", refuse, methods=["POST"])
    app.add_url_rule("/_race", "race", lose_a_race, methods=["POST"])
    return app


def test_a_refusal_no_view_handled_goes_back_with_its_reason(bare_app):
    client = bare_app.test_client()
    response = client.post("/_refuse", headers={"Referer": "http://localhost/programme/?day=2031-04-02"})
    assert response.status_code == 303 and response.headers["Location"] == "/programme/?day=2031-04-02"
    with client.session_transaction() as session:
        assert ("error", "Not you.") in session["_flashes"]


def test_a_refusal_goes_home_when_it_came_from_elsewhere(bare_app):
    response = bare_app.test_client().post("/_refuse", headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_fetch_client_gets_the_refusal_as_json_with_its_status(bare_app):
    response = bare_app.test_client().post("/_refuse", headers={"Accept": "application/json"})
    assert response.status_code == 403
    assert response.json == {"saved": False, "message": "Not you.", "errors": {}}


def test_a_lost_race_on_a_version_counter_is_a_stale_edit(bare_app):
    response = bare_app.test_client().post("/_race", headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.json["message"] == str(StaleEdit())


def test_perform_commits_and_redirects_or_hands_the_page_the_refusal(bare_app):
    with bare_app.test_request_context("/", method="POST"):
        done = perform(lambda: 7, success="Saved.", target=lambda result: f"/after/{result}")
        assert done.status_code == 303 and done.headers["Location"] == "/after/7"
        assert get_flashed_messages(with_categories=True) == [("success", "Saved.")]

    def invalid():
        raise InvalidInput(errors={"seats": ["Give a whole number above 0."]})

    with bare_app.test_request_context("/", method="POST"):
        refused = perform(invalid, success="Saved.", target="/after")
        assert isinstance(refused, Render) and refused.status == 422 and not refused.stale
        assert get_flashed_messages() == [
            "Give a whole number above 0."
        ]  # no form: the field's message flashed
    with bare_app.test_request_context("/", method="POST"):
        back = perform(invalid, success="Saved.", target="/after", back="/form")
        assert back.status_code == 303 and back.headers["Location"] == "/form"
