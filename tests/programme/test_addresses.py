"""Every edition's programme at its own address; the short addresses show the current edition;
``?edition=`` redirects; past editions stay browsable; drafts never show."""

from __future__ import annotations

from datetime import datetime

import icalendar

from festival.extensions import db
from festival.models.enums import EditionStatus
from festival.programme import queries
from festival.schedule import publishing, versions
from tests.factories import TZ
from tests.schedule.conftest import screen


def test_each_edition_has_its_own_programme_address(client, fest, past):
    current = client.get(f"/programme/{fest['edition'].slug}/?day=2031-04-02")
    assert current.status_code == 200
    page = current.get_data(as_text=True)
    assert "Film A" in page and "Old Film" not in page
    old = client.get("/programme/st-2030/?day=2030-04-02")
    assert old.status_code == 200
    html = old.get_data(as_text=True)
    assert "Old Film" in html and "Film A" not in html and "Tenth Science Section" in html
    assert "Unreleased" not in html  # only in the past edition's draft


def test_the_short_address_shows_the_current_edition(client, fest, past):
    page = client.get("/programme/?day=2031-04-02").get_data(as_text=True)
    assert "Film A" in page and "Old Film" not in page
    # the page points at the edition's own address as its canonical one
    assert (
        f'<link rel="canonical" href="http://localhost/programme/{fest["edition"].slug}/?day=2031-04-02">'
        in page
    )
    assert client.get("/programme/print").get_data(as_text=True).count("Film A") >= 1


def test_the_header_and_the_page_name_the_edition_shown(client, fest, past):
    old = client.get("/programme/st-2030/?day=2030-04-02").get_data(as_text=True)
    header = old.split('<header class="site-header"', 1)[1].split("</header>", 1)[0]
    assert "Tenth Science Section" in header and fest["edition"].name not in header
    film = client.get(f"/programme/film/{past['films']['old'].id}").get_data(as_text=True)
    head, page = film.split("</header>", 1)
    assert "Tenth Science Section" in head and "Tenth Science Section" in page
    changes = client.get("/programme/st-2030/changes").get_data(as_text=True)
    assert "Tenth Science Section" in changes.split("</header>", 1)[1]
    chinese = client.get("/programme/st-2030/", headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "第十届科技单元" in chinese


def test_the_old_edition_parameter_redirects_to_the_editions_address(client, fest, past):
    response = client.get("/programme/?edition=st-2030&day=2030-04-02&format=dome")
    assert response.status_code == 301
    assert response.headers["Location"] == "/programme/st-2030/?day=2030-04-02&format=dome"
    for old, new in (
        ("/programme/print?edition=st-2030", "/programme/st-2030/print"),
        ("/programme/changes?edition=st-2030", "/programme/st-2030/changes"),
        ("/programme/calendar.ics?edition=st-2030", "/programme/st-2030/calendar.ics"),
        ("/programme/schedule.xml?edition=st-2030", "/programme/st-2030/schedule.xml"),
        (
            f"/programme/film/{past['films']['old'].id}?edition=st-2030",
            f"/programme/st-2030/film/{past['films']['old'].id}",
        ),
    ):
        response = client.get(old)
        assert (response.status_code, response.headers.get("Location")) == (301, new), old
        assert client.get(new).status_code == 200, new
    # a value that cannot be a slug is not an address at all
    assert client.get("/programme/?edition=a/b").status_code == 404


def test_unknown_and_draft_editions_have_no_programme(client, fest, past, make):
    make.edition(status=EditionStatus.DRAFT, slug="secret-draft")
    make.edition(status=EditionStatus.CALL_OPEN, slug="next-year", name="Next year")
    db.session.commit()
    assert client.get("/programme/nowhere/").status_code == 404
    assert client.get("/programme/nowhere/print").status_code == 404
    assert client.get("/programme/secret-draft/").status_code == 404
    waiting = client.get("/programme/next-year/")
    assert waiting.status_code == 200 and "has not been published yet" in waiting.get_data(as_text=True)
    assert "Next year" in waiting.get_data(as_text=True)
    assert client.get("/programme/next-year/calendar.ics").status_code == 404


def test_film_and_screening_pages_belong_to_their_edition(client, fest, past):
    old_film, film_a = past["films"]["old"].id, fest["films"]["a"].id
    assert client.get(f"/programme/st-2030/film/{old_film}").status_code == 200
    assert client.get(f"/programme/{fest['edition'].slug}/film/{old_film}").status_code == 404
    assert client.get(f"/programme/st-2030/film/{film_a}").status_code == 404
    # the short film address names its edition by the film, so old links keep working
    short = client.get(f"/programme/film/{old_film}").get_data(as_text=True)
    assert "Old Film" in short
    assert f'<link rel="canonical" href="http://localhost/programme/st-2030/film/{old_film}">' in short
    screening = past["screening"].id
    assert client.get(f"/programme/st-2030/screening/{screening}.ics").status_code == 200
    assert client.get(f"/programme/{fest['edition'].slug}/screening/{screening}.ics").status_code == 404
    assert client.get(f"/programme/st-2030/film/{film_a}.ics").status_code == 404
    # a film accepted in the past edition but only in its draft has no page at any address
    unreleased = past["films"]["unreleased"].id
    for url in (f"/programme/st-2030/film/{unreleased}", f"/programme/film/{unreleased}"):
        assert client.get(url).status_code == 404


def test_a_past_editions_calendar_print_and_changes_are_its_own(client, fest, past):
    cal = icalendar.Calendar.from_ical(client.get("/programme/st-2030/calendar.ics").data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Old Film", "Old Film"]
    assert str(cal.walk("VEVENT")[0]["URL"]).endswith(f"/programme/st-2030/film/{past['films']['old'].id}")
    printable = client.get("/programme/st-2030/print").get_data(as_text=True)
    assert "Old Film" in printable and "Film A" not in printable
    assert "This is the first published programme." in client.get("/programme/st-2030/changes").get_data(
        as_text=True
    )


def test_links_on_a_past_editions_pages_stay_in_that_edition(client, fest, past):
    page = client.get("/programme/st-2030/?day=2030-04-02").get_data(as_text=True)
    assert f'href="/programme/st-2030/film/{past["films"]["old"].id}"' in page
    assert 'href="/programme/st-2030/?day=2030-04-03"' in page
    assert 'action="/programme/st-2030/"' in page and 'name="edition"' not in page
    assert 'href="/programme/st-2030/schedule.xml"' in page


def test_the_edition_switcher_lists_the_editions_with_a_published_programme(client, fest, past, make):
    make.edition(status=EditionStatus.CALL_OPEN, slug="next-year", name="Next year")
    db.session.commit()
    page = client.get("/programme/st-2030/").get_data(as_text=True)
    switcher = page.split('<nav class="edition-switcher"', 1)[1].split("</nav>", 1)[0]
    assert f'href="/programme/{fest["edition"].slug}/"' in switcher
    assert 'href="/programme/st-2030/" aria-current="page">Tenth Science Section' in switcher
    assert "next-year" not in switcher  # nothing published
    assert [slug for slug, _name, _zh in queries.editions_on_offer()] == [fest["edition"].slug, "st-2030"]


def test_with_one_published_edition_there_is_no_switcher(client, fest, published):
    assert "edition-switcher" not in client.get("/programme/").get_data(as_text=True)


def test_a_newly_published_edition_reaches_the_switcher_and_changes_the_validator(
    client, fest, past, make, monkeypatch
):
    monkeypatch.setattr(queries, "EDITIONS_ON_OFFER_SECONDS", 0.0)
    first = client.get("/programme/st-2030/")
    unchanged = client.get("/programme/st-2030/", headers={"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    # another edition publishes its first programme: the past edition's page now lists it
    edition = make.edition(status=EditionStatus.PROGRAMMING, slug="st-2032", name="Twelfth")
    venue = make.venue(edition)
    theater = make.theater(venue)
    film = make.entry(edition, fest["owner"], "submitted", title_en="New Film")
    make.accepted(film, min_screenings=1)
    version = versions.create_draft(edition, actor=None)
    db.session.flush()
    screen(version, film, theater, datetime(2031, 4, 2, 10, tzinfo=TZ))
    publishing.publish(version, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    fresh = client.get("/programme/st-2030/", headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and 'href="/programme/st-2032/"' in fresh.get_data(as_text=True)
