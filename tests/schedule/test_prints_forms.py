"""Staff record the transit days between cities and each accepted film's prints; bad input is refused next
to its field and nothing is written."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Decision, FilmPrint, TransitDays


def _hefei(fest, make):
    venue = make.venue(fest["edition"], code="hf", name="Hefei Museum", city="hefei")
    make.theater(venue, code="hf-dome", formats=["dome"])
    db.session.commit()
    return venue


def _post(client, url, data):
    assert client.get(url).status_code == 200
    return client.post(url, data=data)


def test_staff_save_transit_days_between_the_editions_cities(client, auth, fest, make):
    _hefei(fest, make)
    auth.login_as(fest["staff"])
    url = f"/admin/editions/{fest['edition'].slug}/transit"
    assert "<code>hefei</code>" in client.get(url).get_data(as_text=True)
    response = _post(client, url, {"default": "2", "pairs": "hefei home 3\n"})
    assert response.status_code == 303
    db.session.expire_all()
    assert fest["edition"].transit_days_default == 2
    rows = db.session.scalars(sa.select(TransitDays)).all()
    assert [(r.city_a, r.city_b, r.days) for r in rows] == [("", "hefei", 3)]
    assert "home hefei 3" in client.get(url).get_data(as_text=True)


def test_bad_transit_days_are_refused_next_to_the_field_and_nothing_is_written(client, auth, fest, make):
    _hefei(fest, make)
    auth.login_as(fest["staff"])
    url = f"/admin/editions/{fest['edition'].slug}/transit"
    cases = {
        "hefei hefei 2": "a city needs no transit days to itself",
        "hefei wuhan 2": "No venue of this edition is in “wuhan”",
        "hefei home 2\nhome hefei 3": "already have their transit days",
        "hefei to home": "Line 1: “hefei to home” is not like “beijing hefei 2”",
    }
    for pairs, words in cases.items():
        response = _post(client, url, {"default": "1", "pairs": pairs})
        assert response.status_code == 422, pairs
        assert words in response.get_data(as_text=True), pairs
    response = _post(client, url, {"default": "-1", "pairs": ""})
    assert response.status_code == 422
    assert db.session.scalars(sa.select(TransitDays)).all() == []
    db.session.expire_all()
    assert fest["edition"].transit_days_default == 1


def test_staff_record_a_films_prints_and_where_they_start(client, auth, fest, make):
    hefei = _hefei(fest, make)
    a = fest["films"]["a"]
    auth.login_as(fest["staff"])
    url = f"/admin/editions/{fest['edition'].slug}/prints/{a.id}"
    data = {"prints": "2", "starts-0": str(hefei.id), "starts-1": "0", "starts-2": str(hefei.id)}
    assert _post(client, url, data).status_code == 303
    db.session.expire_all()
    decision = db.session.scalar(sa.select(Decision).where(Decision.entry_id == a.id))
    rows = db.session.scalars(sa.select(FilmPrint).order_by(FilmPrint.number)).all()
    assert decision.prints == 2
    assert [(p.number, p.start_venue_id) for p in rows] == [(1, hefei.id), (2, None)]
    listing = client.get(f"/admin/editions/{fest['edition'].slug}/prints").get_data(as_text=True)
    assert "Hefei Museum" in listing
    # back to digital: the print rows go
    assert _post(client, url, {"prints": ""}).status_code == 303
    db.session.expire_all()
    assert db.session.scalars(sa.select(FilmPrint)).all() == []
    # a count out of range, a venue of another edition: refused
    assert _post(client, url, {"prints": "0"}).status_code == 422
    other = make.venue(make.edition(), code="elsewhere")
    db.session.commit()
    assert _post(client, url, {"prints": "1", "starts-0": str(other.id)}).status_code == 422
    rejected = fest["films"]["rejected"]
    assert client.get(f"/admin/editions/{fest['edition'].slug}/prints/{rejected.id}").status_code == 404
