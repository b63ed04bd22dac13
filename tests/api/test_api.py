"""The read-only JSON API: only published data, filters, pagination, validators, CORS and JSON errors."""

from __future__ import annotations

import pytest

from festival.extensions import db
from festival.models.enums import EditionStatus
from festival.programme import caching
from festival.schedule import publishing, versions
from tests.statements import sent_while

API = "/api/v1"


def _get(client, url: str, status: int = 200, **kwargs) -> dict:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def _ed(fest) -> str:
    return f"{API}/editions/{fest['edition'].slug}"


def test_the_index_leads_to_the_editions_and_the_current_one(client, fest, past):
    index = _get(client, f"{API}/")
    assert index["editions"] == "http://localhost/api/v1/editions"
    assert index["current_edition"] == f"http://localhost{_ed(fest)}"


def test_editions_lists_only_editions_with_a_published_programme(client, fest, past, make):
    make.edition(status=EditionStatus.DRAFT, slug="secret-draft")
    make.edition(status=EditionStatus.CALL_OPEN, slug="next-year")
    db.session.commit()
    answer = _get(client, f"{API}/editions")
    assert [e["slug"] for e in answer["data"]] == [fest["edition"].slug, "st-2030"]  # newest first
    current, old = answer["data"]
    assert current["current"] is True and old["current"] is False
    assert old["name"] == "Tenth Science Section" and old["name_zh"] == "第十届科技单元"
    assert old["programme"]["version"] == 1 and old["programme"]["published_at"].endswith("+08:00")
    assert (old["first_day"], old["last_day"], old["timezone"]) == (
        "2030-04-01",
        "2030-04-14",
        "Asia/Shanghai",
    )
    assert old["links"]["screenings"] == "http://localhost/api/v1/editions/st-2030/screenings"
    assert old["links"]["schedule_xml"] == "http://localhost/programme/st-2030/schedule.xml"
    assert answer["pagination"] == {"page": 1, "per_page": 50, "total": 2, "pages": 1}


def test_an_edition_without_a_published_programme_is_not_found(client, fest, published, make):
    make.edition(status=EditionStatus.DRAFT, slug="secret-draft")
    make.edition(status=EditionStatus.CALL_OPEN, slug="next-year")
    db.session.commit()
    assert _get(client, _ed(fest))["slug"] == fest["edition"].slug
    for slug in ("secret-draft", "next-year", "nowhere"):
        error = _get(client, f"{API}/editions/{slug}", 404)
        assert error["error"] == "Not found" and slug in error["message"]
        assert _get(client, f"{API}/editions/{slug}/screenings", 404)["error"] == "Not found"


def test_venues_and_theaters_are_those_of_the_published_programme(client, fest, published):
    venues = _get(client, f"{_ed(fest)}/venues")["data"]
    assert [v["name"] for v in venues] == ["Museum"] and venues[0]["name_zh"] == "科技馆"
    # the small dome has no published screening (the draft's are private)
    assert [t["name"] for t in venues[0]["theaters"]] == ["Dome", "Giant Screen"]
    theaters = _get(client, f"{_ed(fest)}/theaters")["data"]
    assert [t["code"] for t in theaters] == ["dome", "giant"]
    assert theaters[1]["seats"] == 500 and theaters[1]["venue"]["id"] == fest["venue"].id
    assert _get(client, f"{_ed(fest)}/theaters?venue={fest['venue'].id}")["pagination"]["total"] == 2
    assert _get(client, f"{_ed(fest)}/theaters?venue=999")["data"] == []


def test_films_are_the_accepted_films_of_the_published_programme(client, fest, published):
    films = _get(client, f"{_ed(fest)}/films")["data"]
    # not the rejected film, not D (no screening), not Starry Sky (only in the private draft)
    assert [f["title"] for f in films] == ["Film A", "Film B", "Film C"]
    film_a = films[0]
    assert film_a["format"] == "dome" and film_a["runtime_minutes"] == 30 and film_a["screening_count"] == 1
    assert film_a["synopsis_short"] == "About Film A." and film_a["links"]["poster"] is None
    assert film_a["links"]["page"] == f"http://localhost/programme/{fest['edition'].slug}/film/{film_a['id']}"
    assert [f["title"] for f in _get(client, f"{_ed(fest)}/films?format=giant_screen")["data"]] == ["Film C"]
    detail = _get(client, f"{_ed(fest)}/films/{film_a['id']}")
    assert [s["start"] for s in detail["screenings"]] == ["2031-04-02T10:00:00+08:00"]
    for hidden in (fest["films"]["zh"], fest["films"]["rejected"], fest["films"]["d"]):
        assert _get(client, f"{_ed(fest)}/films/{hidden.id}", 404)["error"] == "Not found"


def test_a_film_of_another_edition_is_not_found_under_this_one(client, fest, past):
    old = past["films"]["old"].id
    assert _get(client, f"{API}/editions/st-2030/films/{old}")["title"] == "Old Film"
    assert _get(client, f"{_ed(fest)}/films/{old}", 404)
    assert _get(client, f"{_ed(fest)}/screenings?film={old}")["data"] == []


def test_screenings_are_ordered_and_filtered_by_day_film_theater_and_venue(client, fest, published):
    answer = _get(client, f"{_ed(fest)}/screenings")
    rows = [(s["start"], s["theater"]["name"], s["film"]["title"]) for s in answer["data"]]
    assert rows == [
        ("2031-04-02T10:00:00+08:00", "Dome", "Film A"),
        ("2031-04-02T10:00:00+08:00", "Giant Screen", "Film C"),
        ("2031-04-02T11:00:00+08:00", "Dome", "Film B"),
    ]
    first = answer["data"][0]
    assert first["end"] == "2031-04-02T10:30:00+08:00" and first["day"] == "2031-04-02"
    assert first["venue"]["name"] == "Museum" and len(first["guid"]) == 36
    films = fest["films"]

    def titles(query: str) -> list[str]:
        return [s["film"]["title"] for s in _get(client, f"{_ed(fest)}/screenings?{query}")["data"]]

    assert titles(f"film={films['b'].id}") == ["Film B"]
    assert titles(f"theater={fest['giant'].id}") == ["Film C"]
    assert titles(f"venue={fest['venue'].id}") == ["Film A", "Film C", "Film B"]
    assert titles("day=2031-04-02") == ["Film A", "Film C", "Film B"]
    assert titles("day=2031-04-03") == []
    assert titles(f"day=2031-04-02&theater={fest['dome'].id}&film={films['a'].id}") == ["Film A"]
    assert titles(f"film={films['zh'].id}") == []  # only in the private draft


def test_the_private_draft_appears_only_once_published(client, fest, published):
    url = f"{_ed(fest)}/screenings"
    before = client.get(url)
    assert "Starry Sky" not in before.get_data(as_text=True)
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Starry Sky" in after.get_data(as_text=True)
    assert _get(client, _ed(fest))["programme"]["version"] == 2


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"),
     ("page=99999999999999999999", "page"), ("per_page=0", "per_page"), ("per_page=101", "per_page"),
     ("day=2031-4-2", "day"), ("day=tomorrow", "day"), ("day=2031-02-30", "day"), ("day=2031-W14-1", "day"),
     ("film=x", "film"), ("film=²", "film"),
     ("film=-3", "film"), ("theater=2147483648", "theater"), ("venue=1e3", "venue"),
     ("format=imax", "format")],
)  # fmt: skip
def test_bad_parameters_are_refused_with_a_message_naming_them(client, fest, published, query, parameter):
    endpoint = "films" if parameter == "format" else "screenings"
    error = _get(client, f"{_ed(fest)}/{endpoint}?{query}", 400)
    assert error["error"] == "Bad request" and error["parameter"] == parameter
    assert error["message"].startswith(parameter)
    assert "ETag" not in client.get(f"{_ed(fest)}/{endpoint}?{query}").headers
    chinese = _get(client, f"{_ed(fest)}/{endpoint}?{query}", 400, headers={"Accept-Language": "zh"})
    assert chinese["parameter"] == parameter and chinese["message"].startswith(parameter)
    assert chinese["message"] != error["message"]  # said in Chinese


def test_pagination_gives_totals_links_and_refuses_pages_past_the_end(client, fest, published):
    url = f"{_ed(fest)}/screenings?per_page=1&day=2031-04-02"
    first = client.get(url)
    answer = first.get_json()
    assert answer["pagination"] == {"page": 1, "per_page": 1, "total": 3, "pages": 3}
    links = answer["links"]
    base = f"http://localhost{_ed(fest)}/screenings?day=2031-04-02&per_page=1"
    assert links == {"self": f"{base}&page=1", "first": f"{base}&page=1", "last": f"{base}&page=3",
                     "prev": None, "next": f"{base}&page=2"}  # fmt: skip
    assert (
        first.headers["Link"]
        == f'<{base}&page=1>; rel="first", <{base}&page=3>; rel="last", <{base}&page=2>; rel="next"'
    )
    titles = []
    next_url = links["self"]
    while next_url:
        page = _get(client, next_url.removeprefix("http://localhost"))
        titles += [s["film"]["title"] for s in page["data"]]
        next_url = page["links"]["next"]
    assert titles == ["Film A", "Film C", "Film B"]
    last = _get(client, f"{url}&page=3")
    assert last["links"]["next"] is None and last["links"]["prev"] == f"{base}&page=2"
    past_the_end = _get(client, f"{url}&page=4", 404)
    assert past_the_end["parameter"] == "page" and "the last page is 3" in past_the_end["message"]
    empty = _get(client, f"{_ed(fest)}/screenings?day=2031-04-09")
    assert empty["data"] == [] and empty["pagination"]["pages"] == 1 and empty["links"]["next"] is None
    assert _get(client, f"{_ed(fest)}/screenings?per_page=100")["pagination"]["per_page"] == 100
    # links repeat the parameters the list reads, never others
    junk = _get(client, f"{url}&utm_source=x&page=2")["links"]
    assert junk["next"] == f"{base}&page=3" and "utm" not in str(junk)


def test_answers_carry_validators_and_answer_304(client, fest, published):
    for url in (f"{_ed(fest)}/screenings?day=2031-04-02", f"{_ed(fest)}/films", f"{API}/editions", _ed(fest)):
        first = client.get(url)
        assert first.headers["ETag"] and first.headers["Last-Modified"], url
        assert first.headers["Cache-Control"].startswith("public"), url
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.data == b"", url
        since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, url
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    for url in (f"{_ed(fest)}/films", f"{API}/editions"):
        old = client.get(url).headers["ETag"]
        assert old != first.headers["ETag"]


def test_a_304_is_answered_before_the_programme_is_read(client, fest, published):
    url = f"{_ed(fest)}/screenings"
    first = client.get(url)
    again, statements = sent_while(lambda: client.get(url, headers={"If-None-Match": first.headers["ETag"]}))
    assert again.status_code == 304 and len(statements) == 1  # the edition and its published version
    other, statements = sent_while(lambda: client.get(f"{url}?day=2031-04-02"))
    assert other.status_code == 200 and len(statements) == 1  # the lists are kept per version
    caching.clear_fragments()


def test_every_answer_is_readable_from_any_site_and_only_reading_is_allowed(client, fest, published):
    ok = client.get(f"{_ed(fest)}/films")
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    assert (
        "ETag" in ok.headers["Access-Control-Expose-Headers"]
        and "Link" in ok.headers["Access-Control-Expose-Headers"]
    )
    assert "Access-Control-Allow-Credentials" not in ok.headers
    cached = client.get(f"{_ed(fest)}/films", headers={"If-None-Match": ok.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Access-Control-Allow-Origin"] == "*"
    for response in (client.get(f"{_ed(fest)}/films?page=x"), client.get(f"{API}/editions/nowhere"),
                     client.get(f"{API}/nothing-here")):  # fmt: skip
        assert response.headers["Access-Control-Allow-Origin"] == "*" and response.is_json
    preflight = client.options(
        f"{_ed(fest)}/screenings",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "if-none-match"},
    )  # fmt: skip
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    for method in ("post", "put", "patch", "delete"):
        refused = getattr(client, method)(f"{_ed(fest)}/screenings", json={})
        assert refused.status_code == 405 and refused.get_json()["error"] == "Method not allowed"
        assert refused.headers["Access-Control-Allow-Origin"] == "*"
    head = client.head(f"{_ed(fest)}/screenings")
    assert head.status_code == 200 and head.data == b""


def test_answers_are_the_same_in_every_language_and_name_both(client, fest, published):
    english = client.get(f"{_ed(fest)}/theaters")
    chinese = client.get(f"{_ed(fest)}/theaters", headers={"Accept-Language": "zh"})
    assert english.data == chinese.data
    assert [t["name_zh"] for t in english.get_json()["data"]] == ["球幕影院", "巨幕影院"]


def test_screening_guids_are_those_of_the_schedule_feed(client, fest, published):
    import xml.etree.ElementTree as ET

    feed = ET.fromstring(client.get(f"/programme/{fest['edition'].slug}/schedule.xml").data)  # noqa: S314 (ours)
    from_feed = sorted(e.get("guid") for e in feed.iter("event"))
    from_api = sorted(s["guid"] for s in _get(client, f"{_ed(fest)}/screenings")["data"])
    assert from_api == from_feed
