"""The way in: the home page leads a filmmaker to the open call (the edition, its deadline in Beijing time
and the visitor's own), the terms of entry are shown where they are accepted, and a new filmmaker lands on
their entries once logged in."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import unquote

from festival.extensions import db
from festival.models.enums import EditionStatus, EntryStatus, FilmFormat, Role
from tests import factories
from tests.conftest import log_in


def test_the_home_page_invites_to_enter_a_film_with_the_deadline(app, client, make):
    edition = make.edition(
        name="22nd Science Section",
        deadline=datetime(2031, 1, 31, 15, 59, tzinfo=UTC),
        terms="Rights cleared.",
    )
    make.edition(name="Next draft", status=EditionStatus.DRAFT)
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Enter a film" in page and "22nd Science Section" in page and "Next draft" not in page
    assert "2031-01-31 23:59 (Beijing time)" in page  # 15:59 UTC in the edition's time
    assert 'datetime="2031-01-31T15:59:00+00:00"' in page  # the visitor's own time, filled in by the browser
    assert "/auth/register" in page and f"/terms/{edition.slug}" in page
    terms = client.get(f"/terms/{edition.slug}")
    assert terms.status_code == 200 and "Rights cleared." in terms.get_data(as_text=True)


def test_the_terms_of_a_draft_or_termless_edition_are_not_found(app, client, make):
    draft = make.edition(status=EditionStatus.DRAFT, terms="Secret")
    plain = make.edition()
    db.session.commit()
    assert client.get(f"/terms/{draft.slug}").status_code == 404
    assert client.get(f"/terms/{plain.slug}").status_code == 404


def test_registering_leads_to_the_entries_after_logging_in(app, client):
    response = client.post(
        "/auth/register",
        data={
            "name": "Lena Fischer",
            "email": "lena@example.org",
            "password": factories.PASSWORD,
            "confirm": factories.PASSWORD,
            "locale": "en",
        },  # fmt: skip
    )
    assert response.status_code in (302, 303)
    assert "next=/entries/" in unquote(response.headers["Location"])
    login = client.post(
        response.headers["Location"], data={"email": "lena@example.org", "password": factories.PASSWORD}
    )
    assert login.headers["Location"].endswith("/entries/")


def test_a_filmmaker_lands_on_their_entries_and_staff_on_theirs(app, client, make):
    filmmaker = make.user(Role.FILMMAKER)
    db.session.commit()
    login = client.post("/auth/login", data={"email": filmmaker.email, "password": factories.PASSWORD})
    assert login.headers["Location"].endswith("/entries/")


def test_the_entry_form_offers_only_the_formats_of_the_call_and_shows_the_terms(app, client, make):
    edition = make.edition(formats=["dome", "4d"], terms="Rights cleared.", terms_zh="版权已清。")
    filmmaker = make.user(Role.FILMMAKER)
    entry = make.entry(edition, filmmaker, status=EntryStatus.DRAFT, format=FilmFormat.DOME)
    db.session.commit()
    log_in(client, filmmaker)
    page = client.get(f"/entries/{entry.id}/edit/film").get_data(as_text=True)
    assert 'value="dome"' in page and 'value="4d"' in page and 'value="scifi"' not in page
    review = client.get(f"/entries/{entry.id}/edit/review").get_data(as_text=True)
    assert "Read the terms of entry" in review and "Rights cleared." in review
