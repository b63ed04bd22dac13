"""Prints on tour in the timetable: a move or an addition takes a print whose tour can have it, and is
refused in words naming the tour it would break."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale

from festival.extensions import db
from festival.models import Decision
from festival.schedule import edits, tours, versions
from tests.schedule.conftest import at, screen


@pytest.fixture
def tour(fest, make, draft):
    """``fest`` with a museum in Hefei (a dome), 2 transit days by default; Film A has one print, shown in
    the home dome on Wed 2 April (print 1) and in Hefei on Tue 8 April (print 1)."""
    edition = fest["edition"]
    edition.transit_days_default = 2
    hefei = make.venue(edition, code="hf", name="Hefei Museum", name_zh="合肥科技馆", city="hefei")
    fest["hf_dome"] = make.theater(hefei, code="hf-dome", name="Hefei Dome", formats=["dome"], seats=250)
    a = fest["films"]["a"]
    db.session.get(Decision, _decision_id(a)).prints = 1
    for s in draft.screenings:
        if s.entry_id == a.id:
            s.print_number = 1
    fest["a_hefei"] = screen(draft, a, fest["hf_dome"], at(8, 10))
    fest["a_hefei"].print_number = 1
    db.session.commit()
    return fest


def _decision_id(entry) -> int:
    return db.session.scalar(db.select(Decision.id).where(Decision.entry_id == entry.id))


def _move(fest, screening, theater, start):
    return edits.move_screening(screening, theater=theater, start=start, actor=fest["staff"], lock=None)


def test_a_move_the_only_print_cannot_reach_is_refused_naming_its_tour(tour, draft):
    with pytest.raises(versions.EditRejected) as caught:
        _move(tour, tour["a_hefei"], tour["hf_dome"], at(3, 10))  # the day after Beijing: 2 days needed
    messages = [str(p.message) for p in caught.value.problems]
    assert messages == [
        "“Film A”, Dome, Wed, Apr 2 10:00: print 1 of “Film A” is in Museum until Wed, Apr 2; Hefei can have "
        "it from Fri, Apr 4 (2 days of transit), not on Thu, Apr 3."
    ]
    assert caught.value.problems[0].rule == "prints"
    db.session.rollback()
    assert db.session.get(type(tour["a_hefei"]), tour["a_hefei"].id).start == at(8, 10)  # nothing saved
    with force_locale("zh"):
        with pytest.raises(versions.EditRejected) as caught:
            _move(tour, tour["a_hefei"], tour["hf_dome"], at(3, 10))
        assert "合肥" not in str(caught.value.problems[0].message)  # a city key has no Chinese name yet
        assert "运输需 2 天" in str(caught.value.problems[0].message)


def test_a_move_the_print_can_reach_keeps_the_print(tour, draft):
    moved = _move(tour, tour["a_hefei"], tour["hf_dome"], at(4, 10))
    db.session.commit()
    assert moved.print_number == 1 and moved.start == at(4, 10)


def test_a_second_print_takes_a_screening_the_first_cannot_reach(tour, draft):
    db.session.get(Decision, _decision_id(tour["films"]["a"])).prints = 2
    db.session.commit()
    moved = _move(tour, tour["a_hefei"], tour["hf_dome"], at(3, 10))
    assert moved.print_number == 2


def test_an_added_screening_takes_a_print_or_is_refused(tour, draft):
    a = tour["films"]["a"]
    with pytest.raises(versions.EditRejected) as caught:
        edits.add_screening(draft, entry=a, theater=tour["hf_dome"], start=at(3, 14), actor=None, lock=None)
    assert "Hefei can have it from Fri, Apr 4" in str(caught.value.problems[0].message)
    added = edits.add_screening(
        draft, entry=a, theater=tour["hf_dome"], start=at(9, 14), actor=None, lock=None
    )
    assert added.print_number == 1


def test_the_tour_view_says_where_each_print_is_on_each_day(client, auth, tour, draft):
    (film,) = tours.film_tours(draft)
    (print_1,) = film.tours
    assert [(s.venue.code, s.first, s.last) for s in print_1.stops] == [
        ("cstm", date(2031, 4, 2), date(2031, 4, 2)),
        ("hf", date(2031, 4, 8), date(2031, 4, 8)),
    ]
    assert [(leg.leave_by, leg.arrive_by, leg.days) for leg in print_1.legs] == [
        (date(2031, 4, 6), date(2031, 4, 8), 2)
    ]
    where = dict(tours.tour_days(tour["edition"], film))
    assert [kind for kind, _ in where[date(2031, 4, 1)]] == ["start"]
    assert [kind for kind, _ in where[date(2031, 4, 2)]] == ["screening"]
    assert [kind for kind, _ in where[date(2031, 4, 5)]] == ["shipping"]
    assert [kind for kind, _ in where[date(2031, 4, 9)]] == ["waiting"]

    auth.login_as(tour["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}/films/{tour['films']['a'].id}/tour")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Hefei Museum" in text and "shipping from Museum to Hefei" in text
    listing = client.get(f"/staff/timetable/versions/{draft.id}/tours").get_data(as_text=True)
    assert "Film A" in listing and "Hefei Museum" in listing
    digital = tour["films"]["b"].id
    assert client.get(f"/staff/timetable/versions/{draft.id}/films/{digital}/tour").status_code == 404


def test_the_shipping_csv_has_one_row_per_leg_through_the_spreadsheet_guard(client, auth, tour, draft):
    tour["hf_dome"].venue.name = "=HYPERLINK(1)"
    db.session.commit()
    auth.login_as(tour["staff"])
    response = client.get(f"/staff/timetable/versions/{draft.id}/tours.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [
        [
            "Film",
            "Film print",
            "From venue",
            "From city",
            "To venue",
            "To city",
            "Leave by",
            "Arrive by",
            "Transit days",
        ],
        ["Film A", "1", "Museum", "Museum", "'=HYPERLINK(1)", "Hefei", "2031-04-06", "2031-04-08", "2"],
    ]
    auth.logout()
    assert client.get(f"/staff/timetable/versions/{draft.id}/tours.csv").status_code in (302, 401, 403)
