"""The public programme: no login, only published data, filters, film pages, calendars and caching."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import icalendar
import sqlalchemy as sa

from festival.extensions import db
from festival.models import Screening, TimetableVersion
from festival.models.enums import VersionStatus
from festival.programme import queries
from festival.schedule import publishing, versions
from tests.schedule.conftest import at, screen
from tests.statements import sent_while

DAY = "/programme/{slug}/?day={day}"


def _day(client, fest, day="2031-04-02", **filters):
    query = "".join(f"&{k}={v}" for k, v in filters.items())
    return client.get(DAY.format(slug=fest["edition"].slug, day=day) + query)


def test_the_published_day_is_public_and_drafts_stay_private(client, fest, published):
    response = _day(client, fest)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Film A" in page and "Film B" in page and "Film C" in page
    assert "Starry Sky" not in page  # only in the newer draft


def test_nothing_published_means_no_programme_yet(client, fest, draft):
    page = client.get(f"/programme/{fest['edition'].slug}/").get_data(as_text=True)
    assert "has not been published yet" in page and "Film A" not in page
    assert client.get(f"/programme/film/{fest['films']['a'].id}").status_code == 404
    assert client.get(f"/programme/{fest['edition'].slug}/calendar.ics").status_code == 404


def test_filters_by_format_theater_and_audience(client, fest, published):
    dome = _day(client, fest, format="dome").get_data(as_text=True)
    assert "Film A" in dome and "Film C" not in dome
    giant = _day(client, fest, theater=fest["giant"].id).get_data(as_text=True)
    assert "Film C" in giant and "Film A" not in giant
    schools = _day(client, fest, audience="school_groups").get_data(as_text=True)
    assert "No screening on this day matches the filters." in schools
    families = _day(client, fest, audience="families", format="giant_screen").get_data(as_text=True)
    assert "Film C" in families and "Film B" not in families


def test_unknown_filter_values_and_days_are_ignored_not_errors(client, fest, published):
    response = _day(client, fest, format="imax", theater="abc", audience="<script>")
    assert response.status_code == 200 and "Film A" in response.get_data(as_text=True)
    assert _day(client, fest, day="not-a-date").status_code == 200
    far = _day(client, fest, day="9999-12-31")  # outside the window: the default day, not an error
    assert far.status_code == 200 and "Film A" in far.get_data(as_text=True)
    assert "No screenings on this day." in _day(client, fest, day="2031-04-07").get_data(as_text=True)


def test_the_default_day_is_the_next_day_with_screenings():
    days = {date(2031, 4, 2): 3, date(2031, 4, 9): 1}

    class Edition:
        first_day = date(2031, 4, 1)

    assert queries.default_day(Edition, days, today=date(2031, 4, 3)) == date(2031, 4, 9)
    assert queries.default_day(Edition, days, today=date(2031, 3, 1)) == date(2031, 4, 2)
    assert queries.default_day(Edition, days, today=date(2031, 6, 1)) == date(2031, 4, 2)
    assert queries.default_day(Edition, {}, today=date(2031, 6, 1)) == date(2031, 4, 1)


def test_a_film_page_shows_synopsis_runtime_format_and_its_screenings(client, fest, published):
    film = fest["films"]["a"]
    page = client.get(f"/programme/film/{film.id}").get_data(as_text=True)
    assert "Film A" in page and "About Film A." in page and "30 min" in page and "Fulldome" in page
    slug = fest["edition"].slug
    assert f"/programme/{slug}/film/{film.id}.ics" in page
    screening = published.screenings[0]
    assert f"/programme/{slug}/screening/{screening.id}.ics" in page


def test_films_that_are_not_accepted_or_not_published_have_no_page(client, fest, published):
    rejected = fest["films"]["rejected"]
    assert client.get(f"/programme/film/{rejected.id}").status_code == 404
    # Starry Sky is accepted but only scheduled in the private draft
    assert client.get(f"/programme/film/{fest['films']['zh'].id}").status_code == 404
    assert client.get("/programme/film/99999").status_code == 404
    # a film withdrawn after publication disappears from the public pages
    fest["films"]["b"].status = "withdrawn"
    db.session.commit()
    assert client.get(f"/programme/film/{fest['films']['b'].id}").status_code == 404
    assert "Film B" not in _day(client, fest).get_data(as_text=True)


def test_calendars_per_film_per_screening_and_for_the_programme(client, fest, published):
    film = fest["films"]["c"]
    cal = icalendar.Calendar.from_ical(client.get(f"/programme/film/{film.id}.ics").data)
    [event] = cal.walk("VEVENT")
    assert event.decoded("DTSTART") == at(2, 10) and str(event["SUMMARY"]) == "Film C"
    assert str(event["URL"]).endswith(f"/programme/{fest['edition'].slug}/film/{film.id}")
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Asia/Shanghai"
    screening = next(s for s in published.screenings if s.entry_id == film.id)
    one = icalendar.Calendar.from_ical(client.get(f"/programme/screening/{screening.id}.ics").data)
    assert len(one.walk("VEVENT")) == 1
    whole = client.get(f"/programme/{fest['edition'].slug}/calendar.ics")
    assert (
        whole.mimetype == "text/calendar"
        and len(icalendar.Calendar.from_ical(whole.data).walk("VEVENT")) == 3
    )
    private = versions.current_draft(fest["edition"])
    hidden = next(s for s in private.screenings if s.entry_id == fest["films"]["zh"].id)
    assert client.get(f"/programme/screening/{hidden.id}.ics").status_code == 404


def test_pages_carry_validators_and_answer_304_until_a_new_version_is_published(client, fest, published):
    first = _day(client, fest)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, max-age=300"
    assert first.headers["Last-Modified"]
    assert "Accept-Language" in first.headers["Vary"]
    again = client.get(
        DAY.format(slug=fest["edition"].slug, day="2031-04-02"), headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    since = client.get(
        DAY.format(slug=fest["edition"].slug, day="2031-04-02"),
        headers={"If-Modified-Since": first.headers["Last-Modified"]},
    )
    assert since.status_code == 304
    other_day = _day(client, fest, day="2031-04-03")
    assert other_day.headers["ETag"] != etag
    # publishing the next version changes every validator
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    fresh = client.get(
        DAY.format(slug=fest["edition"].slug, day="2031-04-02"), headers={"If-None-Match": etag}
    )
    assert fresh.status_code == 200 and "Starry Sky" in fresh.get_data(as_text=True)
    ics = client.get(f"/programme/film/{fest['films']['a'].id}.ics")
    assert ics.headers["Cache-Control"] == "public, max-age=900" and ics.headers["ETag"]


def test_the_change_log_of_the_public_version_is_public(client, fest, published):
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    page = client.get(f"/programme/{fest['edition'].slug}/changes").get_data(as_text=True)
    assert "What changed in version 2" in page and "Starry Sky" in page and "2031-04-02 14:00" in page


def test_the_printable_programme_is_public(client, fest, published):
    page = client.get(f"/programme/{fest['edition'].slug}/print").get_data(as_text=True)
    assert "/static/css/print.css" in page and "Version 1" in page and "Starry Sky" not in page


def test_chinese_visitors_see_chinese_titles_and_theater_names(client, fest, published):
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    response = client.get(
        DAY.format(slug=fest["edition"].slug, day="2031-04-02"), headers={"Accept-Language": "zh"}
    )
    page = response.get_data(as_text=True)
    assert "星空漫游" in page and "球幕影院" in page and "巨幕影院" in page
    film = client.get(f"/programme/film/{fest['films']['zh'].id}", headers={"Accept-Language": "zh"})
    assert "<h1>星空漫游</h1>" in film.get_data(as_text=True) and "Starry Sky" in film.get_data(as_text=True)


def test_a_day_of_a_2000_screening_programme_renders_quickly_without_n_plus_1(app, client, fest):
    version = TimetableVersion(
        edition_id=fest["edition"].id, status=VersionStatus.PUBLISHED, number=1, published_at=at(1, 9)
    )
    db.session.add(version)
    db.session.flush()
    films, theaters = list(fest["films"].values())[:5], [fest["dome"], fest["dome2"], fest["giant"]]
    rows = []
    for i in range(2000):
        start = datetime(2031, 4, 1, 10, 0, tzinfo=at(1, 9).tzinfo) + timedelta(
            days=i % 14, minutes=(i // 14) * 3
        )
        film, theater = films[i % 5], theaters[i % 3]
        rows.append(
            {"timetable_id": version.id, "entry_id": film.id, "theater_id": theater.id, "start": start,
             "end": start + timedelta(minutes=30), "pinned": False, "expected_attendance": 50}
        )  # fmt: skip
    db.session.execute(sa.insert(Screening), rows)
    db.session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = _day(client, fest, day="2031-04-03")
        first = len(statements)
        again = _day(client, fest, day="2031-04-03")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count('class="screening fmt-') == 143
    assert first <= 12, statements
    # the published version cannot change: the second visitor's whole page comes from the page cache,
    # after one query for the edition and its published version
    assert again.get_data(as_text=True) == response.get_data(as_text=True)
    assert len(statements) - first == 1, statements[first:]


def test_without_a_day_the_programme_opens_on_today_and_revalidates_after_midnight(
    client, fest, published, monkeypatch
):
    from festival import localtime

    class Clock:
        current = datetime(2031, 4, 1, 23, 59, tzinfo=at(1, 9).tzinfo)

    monkeypatch.setattr(localtime, "now", lambda: Clock.current)
    url = f"/programme/{fest['edition'].slug}/"
    before = client.get(url)
    assert "Wednesday, April 2, 2031" in before.get_data(as_text=True)  # the next day with screenings
    Clock.current = datetime(2031, 4, 2, 0, 1, tzinfo=at(1, 9).tzinfo)
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    same_day = client.get(url, headers={"If-None-Match": after.headers["ETag"]})
    assert same_day.status_code == 304


def test_public_film_page_shows_its_poster_and_other_images_stay_private(client, fest, published):
    import io

    from festival.models import EntryImage
    from festival.models.enums import ImageKind
    from festival.submissions import uploads

    film = fest["films"]["a"]
    from tests.factories import image_bytes

    png = io.BytesIO(image_bytes("PNG", size=(200, 300)))
    clean = uploads.clean_image(png, max_bytes=10**7, max_pixels=10**7)
    names = {kind: uploads.new_stored_name(clean.extension) for kind in (ImageKind.POSTER, ImageKind.STILL)}
    for kind, stored in names.items():
        uploads.store_files(db.session, film.id, stored, clean)
        db.session.add(
            EntryImage(
                entry_id=film.id, kind=kind, stored_name=stored, original_name="p.png",
                mime_type=clean.mime_type, width=200, height=300, size_bytes=len(clean.data),
            )
        )  # fmt: skip
    db.session.commit()
    html = client.get(f"/programme/film/{film.id}").get_data(as_text=True)
    assert f"/programme/{fest['edition'].slug}/film/{film.id}/poster/full" in html
    poster = client.get(f"/programme/film/{film.id}/poster/full")
    assert poster.status_code == 200 and poster.mimetype == clean.mime_type
    assert "public" in poster.headers["Cache-Control"]
    still = db.session.scalar(sa.select(EntryImage).where(EntryImage.kind == ImageKind.STILL))
    assert client.get(f"/entries/{film.id}/images/{still.id}/full").status_code == 302  # log in first
    # a film that is not in the published programme has no public poster
    assert client.get(f"/programme/film/{fest['films']['zh'].id}/poster/full").status_code == 404


def test_anonymous_pages_are_cached_whole_until_a_new_version_is_published(client, fest, published):
    first = _day(client, fest)
    assert "Starry Sky" not in first.get_data(as_text=True)  # the new draft is not public
    again, statements = sent_while(lambda: _day(client, fest))
    assert again.get_data() == first.get_data() and len(statements) == 1
    film = fest["films"]["a"].id
    client.get(f"/programme/film/{film}")
    film_again, statements = sent_while(lambda: client.get(f"/programme/film/{film}"))
    assert film_again.status_code == 200 and len(statements) <= 2  # the film, the published version
    # a new publication is visible at once: the cache is keyed by the published version
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    fresh = _day(client, fest)
    assert "Starry Sky" in fresh.get_data(as_text=True)
    printable = client.get(f"/programme/{fest['edition'].slug}/print").get_data(as_text=True)
    assert "Version 2" in printable


def test_the_cached_page_follows_the_language_and_never_shows_a_logged_in_visitor(
    client, auth, fest, published
):
    english = _day(client, fest).get_data(as_text=True)
    chinese = client.get(
        DAY.format(slug=fest["edition"].slug, day="2031-04-02"), headers={"Accept-Language": "zh"}
    ).get_data(as_text=True)
    assert 'lang="en"' in english and 'lang="zh-Hans"' in chinese
    auth.login_as(fest["staff"])
    mine = _day(client, fest).get_data(as_text=True)
    assert fest["staff"].name in mine and 'name="csrf_token"' in mine
    auth.logout()
    anonymous = _day(client, fest).get_data(as_text=True)
    assert fest["staff"].name not in anonymous and 'name="csrf_token"' not in anonymous


def test_a_waiting_message_is_shown_on_the_next_page_not_hidden_by_the_cache(client, fest, published):
    _day(client, fest)
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You are logged out.")]
    assert "You are logged out." in _day(client, fest).get_data(as_text=True)
    assert "You are logged out." not in _day(client, fest).get_data(as_text=True)


def test_junk_query_strings_do_not_bypass_the_page_cache(client, fest, published):
    first = _day(client, fest, format="dome")
    junks = (
        {"x": "1"},
        {"utm_source": "mail"},
        {"theater": "999999"},
        {"audience": "martians", "sort": "<script>"},
    )
    for junk in junks:
        again, statements = sent_while(lambda junk=junk: _day(client, fest, **{"format": "dome", **junk}))
        assert again.get_data() == first.get_data(), junk
        assert len(statements) == 1, (junk, statements)  # the edition and its version: the page is cached
        assert again.headers["ETag"] == first.headers["ETag"]
    # what is cached is the canonical page: the language switch leads back without the junk
    page = _day(client, fest, format="dome", utm_source="<b>spam</b>").get_data(as_text=True)
    assert "utm_source" not in page and "spam" not in page


def test_a_day_that_is_not_a_date_of_the_edition_is_the_page_without_a_day(client, fest, published):
    url = f"/programme/{fest['edition'].slug}/"
    plain = client.get(url)
    assert plain.status_code == 200
    for day in ("nonsense", "2031-02-30", "1999-01-01"):
        again, statements = sent_while(lambda day=day: client.get(f"{url}?day={day}"))
        assert again.get_data() == plain.get_data() and len(statements) == 1, day


def test_calendar_files_feeds_and_the_api_link_to_the_public_site_whatever_the_host(client, fest, published):
    slug = fest["edition"].slug
    for url in (f"/programme/{slug}/calendar.ics", f"/programme/{slug}/schedule.xml",
                f"/programme/{slug}/schedule.json", f"/api/v1/editions/{slug}/films"):  # fmt: skip
        body = client.get(url, headers={"Host": "evil.example"}).get_data(as_text=True)
        assert "evil.example" not in body, url
        assert "http://localhost/" in body, url  # PUBLIC_BASE_URL in tests


def _second_city(make, fest, published):
    """A partner museum in Hefei showing Film B in the published version (version 1)."""
    fest["venue"].city = "beijing"
    partner = make.venue(
        fest["edition"], code="hefei-stm", name="Hefei Museum", name_zh="合肥科技馆", city="hefei"
    )
    hall = make.theater(partner, code="hefei-dome", name="Hefei Dome", formats=["dome"])
    screen(published, fest["films"]["b"], hall, at(2, 15))
    db.session.commit()
    return hall


def test_one_city_has_no_city_filter(client, fest, published):
    page = _day(client, fest).get_data(as_text=True)
    assert 'name="city"' not in page and 'name="theater"' in page


def test_the_programme_filters_by_city_when_the_edition_has_several(client, make, fest, published):
    _second_city(make, fest, published)
    page = _day(client, fest).get_data(as_text=True)
    assert 'name="city"' in page and "Hefei Museum" in page and "Hefei</span>" in page
    hefei = _day(client, fest, city="hefei").get_data(as_text=True)
    assert "Film B" in hefei and "Film A" not in hefei
    beijing = _day(client, fest, city="beijing").get_data(as_text=True)
    listing = beijing[beijing.index('class="programme-day"') :]
    assert "Film A" in listing and "Hefei Dome" not in listing and "Hefei Museum" not in listing
    unknown = _day(client, fest, city="<lhasa>")
    assert unknown.status_code == 200 and "Film A" in unknown.get_data(as_text=True)


def test_a_film_page_lists_every_city_it_visits(client, make, fest, published):
    _second_city(make, fest, published)
    film = fest["films"]["b"]
    page = client.get(f"/programme/{fest['edition'].slug}/film/{film.id}").get_data(as_text=True)
    assert "Shown in 2 cities:" in page
    assert page.index("Beijing") < page.index("Hefei")
