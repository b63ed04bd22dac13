"""The multi-step entry form: drafts at every step, values kept on errors, per-format technical fields,
server-side validation next to each field, and optimistic locking."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from festival.audit import history
from festival.extensions import db
from festival.models import Entry
from festival.models.enums import EntryStatus, FilmFormat
from festival.submissions import completeness, services
from tests.conftest import csrf_token
from tests.submissions.conftest import beijing


@pytest.fixture
def draft(make, edition, filmmaker):
    entry = make.entry(
        edition, filmmaker, title_original="", title_en=None, format=None, runtime_minutes=None
    )
    db.session.commit()
    return entry


def _post(client, entry, step, data, **kw):
    return client.post(f"/entries/{entry.id}/edit/{step}", data={"version": entry.version, **data}, **kw)


def _field_error(html: str, name: str) -> str:
    """The error paragraph(s) rendered next to a field."""
    match = re.search(
        rf'<div class="field[^"]*has-error">(?:(?!</div>).)*?name="{name}"(.*?)</div>', html, re.S
    )
    return match.group(0) if match else ""


def test_filmmaker_creates_a_draft_for_the_open_edition(client, auth, filmmaker, edition, clock):
    auth.login_as(filmmaker)
    response = client.post("/entries/new", data={"edition_id": edition.id})
    entry = db.session.scalar(sa.select(Entry))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/entries/{entry.id}/edit/film")
    assert entry.status == EntryStatus.DRAFT and entry.owner_id == filmmaker.id
    assert entry.contact_email == filmmaker.email  # prefilled from the account


def test_curators_and_staff_cannot_create_entries(client, auth, make, edition):
    auth.login_as(make.user(role="curator"))
    db.session.commit()
    assert client.post("/entries/new", data={"edition_id": edition.id}).status_code == 403


def test_a_draft_step_saves_incomplete_input(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    response = _post(
        client, draft, "film", {"title_original": "La Voie lactée", "format": "dome", "next": "1"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/entries/{draft.id}/edit/people")
    db.session.refresh(draft)
    assert draft.title_original == "La Voie lactée"
    assert draft.format == FilmFormat.DOME
    assert draft.runtime_minutes is None  # not given yet: fine for a draft


def test_invalid_input_is_shown_again_with_errors_and_the_valid_fields_are_saved(
    client, auth, filmmaker, draft
):
    auth.login_as(filmmaker)
    response = _post(
        client,
        draft,
        "film",
        {"title_original": "Tiefsee", "runtime_minutes": "ninety", "year": "1890", "format": "dome"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="ninety"' in html and 'value="1890"' in html and 'value="Tiefsee"' in html
    assert "Not a valid integer value" in _field_error(html, "runtime_minutes")
    assert "Give a year from 1950" in _field_error(html, "year")
    db.session.refresh(draft)
    assert draft.title_original == "Tiefsee"
    assert draft.runtime_minutes is None and draft.year is None
    # The page carries the new version, so saving again is not taken for a concurrent edit.
    assert f'name="version" type="hidden" value="{draft.version}"' in html


@pytest.mark.parametrize("runtime", ["0", "601", "-5"])
def test_runtime_outside_1_to_600_minutes_is_refused(client, auth, filmmaker, draft, runtime):
    auth.login_as(filmmaker)
    html = _post(client, draft, "film", {"runtime_minutes": runtime}).get_data(as_text=True)
    assert "from 1 to 600" in _field_error(html, "runtime_minutes")
    db.session.refresh(draft)
    assert draft.runtime_minutes is None


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://files.example.org/film.mov", "data:text/html,hi", "vimeo.com/123",
     "https://user:pw@vimeo.com/1", "https://"],
)  # fmt: skip
def test_links_must_be_http_or_https_addresses(client, auth, filmmaker, draft, url):
    auth.login_as(filmmaker)
    response = _post(client, draft, "links", {"trailer_url": url, "screener_url": "https://vimeo.com/1"})
    assert response.status_code == 422
    assert _field_error(response.get_data(as_text=True), "trailer_url")
    db.session.refresh(draft)
    assert draft.trailer_url is None
    assert draft.screener_url == "https://vimeo.com/1"


def test_text_longer_than_allowed_is_refused_next_to_the_field(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    html = _post(client, draft, "film", {"synopsis_short": "x" * 601}).get_data(as_text=True)
    assert "600" in _field_error(html, "synopsis_short")


def test_tampered_choice_is_refused(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    response = _post(client, draft, "film", {"format": "vhs", "audiences": ["children", "aliens"]})
    assert response.status_code == 422
    db.session.refresh(draft)
    assert draft.format is None and draft.audiences == []


def test_technical_step_asks_the_questions_of_the_chosen_format(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    draft.format = FilmFormat.GIANT_SCREEN
    db.session.commit()
    html = client.get(f"/entries/{draft.id}/edit/technical").get_data(as_text=True)
    assert 'name="tech_stereo"' in html and 'name="tech_projection"' in html
    assert 'name="tech_fisheye_master"' not in html
    response = _post(
        client,
        draft,
        "technical",
        {"delivery": "dcp", "sound_format": "7.1", "tech_stereo": "3D", "tech_aspect_ratio": "1.43:1",
         "tech_projection": "15-70"},
    )  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(draft)
    assert draft.tech_spec == {"stereo": "3D", "aspect_ratio": "1.43:1", "projection": "15-70"}
    assert draft.delivery == "dcp"


def test_dome_technical_answers_are_stored_as_booleans(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    draft.format = FilmFormat.DOME
    db.session.commit()
    _post(
        client,
        draft,
        "technical",
        {"tech_resolution": "8K", "tech_frame_rate": "60", "tech_fisheye_master": "no"},
    )
    db.session.refresh(draft)
    assert draft.tech_spec == {"resolution": "8K", "frame_rate": "60", "fisheye_master": False}
    html = client.get(f"/entries/{draft.id}/edit/technical").get_data(as_text=True)
    assert re.search(r'<option selected value="no">', html)


def test_required_fields_per_format(complete_entry):
    entry = complete_entry(format=FilmFormat.FOUR_D, tech_spec={"stereo": "2D"})
    fields = {field for field, _ in completeness.submission_problems(entry)}
    assert {"tech_effects_track", "tech_motion_programming"} <= fields
    entry.tech_spec = {"stereo": "2D", "effects_track": True, "motion_programming": "D-BOX"}
    assert completeness.submission_problems(entry) == [("terms", "Accept the festival's terms.")]


def test_completeness_lists_every_missing_field(make, edition, filmmaker):
    entry = make.entry(
        edition, filmmaker, title_original="", title_en=None, format=None, runtime_minutes=None
    )
    fields = {field for field, _ in completeness.submission_problems(entry)}
    assert {"title_original", "title_en", "format", "runtime_minutes", "year", "country", "director",
            "audiences", "premiere_status", "delivery", "sound_format", "screener_url", "poster",
            "terms"} <= fields  # fmt: skip


def test_year_must_be_sensible(complete_entry, clock):
    clock(beijing(2031, 3, 1, 12, 0))
    entry = complete_entry(year=2033)
    assert ("year", "Give a year from 1950 to 2032.") in completeness.submission_problems(entry)
    entry.year = 2032
    assert "year" not in {field for field, _ in completeness.submission_problems(entry)}


def test_stale_version_is_refused_with_a_clear_message_and_keeps_the_input(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    old_version = draft.version
    draft.title_original = "Changed in another tab"
    db.session.commit()
    response = client.post(
        f"/entries/{draft.id}/edit/film", data={"version": old_version, "title_original": "My typing"}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed elsewhere" in html
    assert 'value="My typing"' in html
    db.session.refresh(draft)
    assert draft.title_original == "Changed in another tab"


def test_a_submitted_entry_is_never_partly_written(client, auth, filmmaker, complete_entry):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=beijing(2031, 3, 1, 9, 0))
    auth.login_as(filmmaker)
    response = _post(
        client, entry, "film", {**_film_data(entry), "title_en": "New title", "runtime_minutes": "x"}
    )
    assert response.status_code == 422
    assert "Nothing was saved" in response.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.title_en == "Northern Lights Above Us"


def test_a_submitted_entry_must_stay_complete(client, auth, filmmaker, complete_entry):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=beijing(2031, 3, 1, 9, 0))
    auth.login_as(filmmaker)
    response = _post(client, entry, "film", {**_film_data(entry), "country": "", "title_en": "New title"})
    assert response.status_code == 422
    assert "Give the country of production." in _field_error(response.get_data(as_text=True), "country")
    db.session.refresh(entry)
    assert entry.country == "Germany" and entry.title_en == "Northern Lights Above Us"


def test_changes_to_a_submitted_entry_are_audited(client, auth, filmmaker, complete_entry):
    entry = complete_entry(status=EntryStatus.SUBMITTED, terms_accepted_at=beijing(2031, 3, 1, 9, 0))
    auth.login_as(filmmaker)
    response = _post(client, entry, "film", {**_film_data(entry), "title_en": "Auroras"})
    assert response.status_code == 303
    events = [e for e in history(entry) if e.field == "title_en"]
    assert [(e.old_value, e.new_value) for e in events] == [("Northern Lights Above Us", "Auroras")]


def _film_data(entry) -> dict:
    return {
        "title_original": entry.title_original,
        "title_en": entry.title_en,
        "title_zh": entry.title_zh,
        "format": entry.format.value,
        "runtime_minutes": str(entry.runtime_minutes),
        "year": str(entry.year),
        "country": entry.country,
        "languages": entry.languages,
        "subtitles": entry.subtitles,
        "synopsis_short": entry.synopsis_short,
        "synopsis_long": entry.synopsis_long,
        "audiences": entry.audiences,
        "premiere_status": entry.premiere_status.value,
    }


ENTRY_URLS = (
    ("get", "/entries/{id}"),
    ("get", "/entries/{id}/edit/film"),
    ("post", "/entries/{id}/edit/film"),
    ("get", "/entries/{id}/edit/review"),
    ("post", "/entries/{id}/submit"),
    ("get", "/entries/{id}/withdraw"),
    ("post", "/entries/{id}/withdraw"),
    ("post", "/entries/{id}/delete"),
    ("post", "/entries/{id}/images"),
)


@pytest.mark.parametrize(("method", "url"), ENTRY_URLS)
def test_another_filmmakers_entry_is_not_found(client, auth, other_filmmaker, complete_entry, method, url):
    entry = complete_entry()
    auth.login_as(other_filmmaker)
    response = getattr(client, method)(url.format(id=entry.id), data={"title_original": "Hijacked"})
    assert response.status_code == 404
    db.session.refresh(entry)
    assert entry.title_original == "Nordlicht über uns" and entry.status == EntryStatus.DRAFT


def test_staff_can_read_an_entry_but_not_edit_it_through_the_filmmaker_form(
    client, auth, staff, complete_entry
):
    entry = complete_entry()
    auth.login_as(staff)
    assert client.get(f"/entries/{entry.id}").status_code == 200
    assert client.get(f"/entries/{entry.id}/edit/film").status_code == 404
    assert client.post(f"/entries/{entry.id}/edit/film", data={"title_original": "x"}).status_code == 404
    db.session.refresh(entry)
    assert entry.title_original == "Nordlicht über uns"


def test_curator_cannot_open_an_entry_page(client, auth, make, complete_entry):
    entry = complete_entry()
    auth.login_as(make.user(role="curator"))
    db.session.commit()
    assert client.get(f"/entries/{entry.id}").status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, complete_entry):
    entry = complete_entry()
    response = client.get(f"/entries/{entry.id}/edit/film")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_unknown_step_is_not_found(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    assert client.get(f"/entries/{draft.id}/edit/nonsense").status_code == 404


def test_saving_a_step_with_a_real_csrf_token(csrf_client, filmmaker, edition):
    from tests.conftest import Auth

    entry = services.create_entry(edition, owner=filmmaker)
    db.session.commit()
    Auth(csrf_client).login_as(filmmaker)
    token = csrf_token(csrf_client, f"/entries/{entry.id}/edit/film")
    without = csrf_client.post(f"/entries/{entry.id}/edit/film", data={"title_original": "No token"})
    assert without.status_code == 400
    response = csrf_client.post(
        f"/entries/{entry.id}/edit/film",
        data={"csrf_token": token, "version": entry.version, "title_original": "With token"},
    )
    assert response.status_code == 303
    db.session.refresh(entry)
    assert entry.title_original == "With token"


def test_my_entries_lists_only_my_entries_with_status(
    client, auth, filmmaker, other_filmmaker, complete_entry
):
    mine = complete_entry(title_en="Mine")
    complete_entry(owner=other_filmmaker, title_en="Not mine")
    auth.login_as(filmmaker)
    html = client.get("/entries/").get_data(as_text=True)
    assert "Mine" in html and "Not mine" not in html
    assert f"/entries/{mine.id}" in html and "Draft" in html
    assert "2031-03-14 23:59" in html and 'data-deadline="2031-03-14T15:59:00+00:00"' in html


def test_deleting_a_draft_needs_a_post_and_removes_it(client, auth, filmmaker, draft):
    auth.login_as(filmmaker)
    assert "Delete the draft" in client.get(f"/entries/{draft.id}/delete").get_data(as_text=True)
    assert db.session.get(Entry, draft.id) is not None
    assert client.post(f"/entries/{draft.id}/delete").status_code == 303
    db.session.expire_all()
    assert db.session.get(Entry, draft.id) is None


def test_a_concurrent_save_detected_at_commit_becomes_a_message_not_a_500(
    client, auth, filmmaker, draft, monkeypatch
):
    from sqlalchemy.orm.exc import StaleDataError

    auth.login_as(filmmaker)

    def lost_race():
        raise StaleDataError("UPDATE statement on table 'entry' expected to update 1 row(s); 0 were matched.")

    monkeypatch.setattr(db.session, "commit", lost_race)
    response = _post(client, draft, "film", {"title_original": "Mine"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "changed elsewhere" in html and 'value="Mine"' in html


def _recorded(fn, what) -> list:
    """``what(connection, statement)`` for each statement a request sends, starting from an empty
    identity map and no transaction begun (as a fresh request would)."""
    db.session.expunge_all()
    db.session.rollback()
    seen: list = []

    def record(conn, cursor, statement, *args):
        seen.append(what(conn, statement))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return seen


def _statements(fn) -> list[str]:
    """The SQL verbs a request sends."""
    return _recorded(fn, lambda conn, statement: statement.split()[0])


def _isolation_levels(fn) -> list[str | None]:
    """The isolation level each statement of a request runs at (AUTOCOMMIT: no BEGIN, no ROLLBACK)."""
    return _recorded(fn, lambda conn, statement: conn.get_execution_options().get("isolation_level"))


def test_a_step_page_and_a_draft_save_take_three_queries_each(client, auth, filmmaker, complete_entry):
    entry = complete_entry()
    entry_id, version = entry.id, entry.version
    auth.login_as(filmmaker)
    url = f"/entries/{entry_id}/edit/film"
    # the user, the entry with its edition and images, the site's current edition (header)
    assert _statements(lambda: client.get(url)) == ["SELECT"] * 3
    # the user, the entry with its edition and images, the update; the redirect reads nothing back
    saved = _statements(
        lambda: client.post(url, data={"version": version, "synopsis_short": "Shorter.", "next": "1"})
    )
    assert saved == ["SELECT", "SELECT", "UPDATE"], saved
    assert db.session.get(Entry, entry_id).synopsis_short == "Shorter."


def test_a_step_page_reads_without_a_transaction_and_a_save_writes_in_one(
    client, auth, filmmaker, complete_entry
):
    entry = complete_entry()
    entry_id, version = entry.id, entry.version
    auth.login_as(filmmaker)
    url = f"/entries/{entry_id}/edit/film"
    assert _isolation_levels(lambda: client.get(url)) == ["AUTOCOMMIT"] * 3
    saved = _isolation_levels(lambda: client.post(url, data={"version": version, "synopsis_short": "Again."}))
    assert saved and "AUTOCOMMIT" not in saved, saved
    assert db.session.get(Entry, entry_id).synopsis_short == "Again."
    # the pool hands the connection back at the default level: the next request's transaction is real
    after = _isolation_levels(lambda: client.get("/entries/"))
    assert after and "AUTOCOMMIT" not in after, after


def test_a_title_posted_with_line_breaks_is_saved_as_one_line(client, auth, filmmaker, complete_entry):
    draft = complete_entry()
    auth.login_as(filmmaker)
    data = {**_film_data(draft), "title_en": "Dome\r\nBcc: victim@example.org\n", "director": "Anna\tBerg"}
    response = _post(client, draft, "film", data)
    assert response.status_code == 303
    db.session.refresh(draft)
    assert draft.title_en == "Dome Bcc: victim@example.org" and draft.director == "Anna Berg"
