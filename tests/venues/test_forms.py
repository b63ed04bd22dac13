"""Venue, theater and block forms: validation next to the fields, real CSRF, and what the solver sees."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import AuditEvent, Event, Screening, Theater, TimetableVersion, Venue
from festival.schedule import adapter
from tests.conftest import Auth, csrf_token
from tests.factories import TZ

WEEK = {f"hours_{d}": "09:30-17:00" for d in ("tue", "wed", "thu", "fri", "sat", "sun")}


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _venue_form(**extra) -> dict:
    data = {"code": "annex", "name": "Annex", "name_zh": "分馆", "hours_mon": "", **WEEK}
    data.update(closed_dates="2031-04-08", special_hours="2031-04-07 09:30-17:00\n2031-05-01 09:00-18:00")
    data.update(extra)
    return data


# ---------------------------------------------------------------- with a real CSRF token


def test_new_venue_with_real_csrf_token_is_saved_and_reaches_the_solver(csrf_client, csrf_place):
    Auth(csrf_client).login_as(csrf_place["staff"])
    url = f"/staff/venues/new?edition={csrf_place['edition'].slug}"
    token = csrf_token(csrf_client, url)

    response = csrf_client.post(url, data={**_venue_form(), "csrf_token": token})

    assert response.status_code == 303
    venue = db.session.scalar(sa.select(Venue).where(Venue.code == "annex"))
    assert venue.hours["mon"] == [] and venue.hours["tue"] == [["09:30", "17:00"]]
    assert venue.special_hours == {"2031-04-07": [["09:30", "17:00"]], "2031-05-01": [["09:00", "18:00"]]}
    assert venue.closed_dates == ["2031-04-08"]
    assert _count(AuditEvent, AuditEvent.object_type == "venue", AuditEvent.action == "venue.create") == 1
    data = adapter.build_instance(csrf_place["edition"])
    assert [v["id"] for v in data["venues"]] == ["cstm", "annex"]


def test_venue_post_without_csrf_token_is_refused(csrf_client, csrf_place):
    Auth(csrf_client).login_as(csrf_place["staff"])
    response = csrf_client.post(f"/staff/venues/new?edition={csrf_place['edition'].slug}", data=_venue_form())
    assert response.status_code == 400
    assert _count(Venue) == 1


def test_theater_form_with_real_csrf_token(csrf_client, csrf_place):
    Auth(csrf_client).login_as(csrf_place["staff"])
    url = f"/staff/venues/{csrf_place['venue'].id}/theaters/new"
    token = csrf_token(csrf_client, url)
    data = {
        "csrf_token": token, "code": "4d", "name": "4D Theater", "seats": "200", "formats": ["4d"],
        "features": "3D, motion_seats", "changeover_minutes": "10", "start_step_minutes": "10",
    }  # fmt: skip
    assert csrf_client.post(url, data=data).status_code == 303
    theater = db.session.scalar(sa.select(Theater).where(Theater.code == "4d"))
    assert theater.formats == ["4d"] and theater.features == ["3d", "motion_seats"]


def test_block_form_with_real_csrf_token(csrf_client, csrf_place):
    Auth(csrf_client).login_as(csrf_place["staff"])
    url = f"/staff/venues/{csrf_place['venue'].id}/blocks"
    token = csrf_token(csrf_client, url)
    data = {
        "csrf_token": token, "theaters": [str(csrf_place["dome"].id)], "kind": "forum",
        "label": "Academic forum", "start": "2031-04-20T09:30", "end": "2031-04-20T12:00",
    }  # fmt: skip
    assert csrf_client.post(url, data=data).status_code == 303
    assert _count(Event) == 1


# ---------------------------------------------------------------- venue validation


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_tue", "17:00-09:30", "closes before it opens"),
        ("hours_wed", "09:00-12:00, 11:00-13:00", "overlaps"),
        ("hours_thu", "10:00-10:00", "is empty"),
        ("hours_fri", "9 to 5", "not an opening interval"),
        ("closed_dates", "2031-13-01", "not a real date"),
        ("special_hours", "2031-04-07", "Line 1"),
        ("code", "Annex Hall", "Use lower-case letters"),
        ("name", "", "This field is required."),
    ],
)
def test_bad_venue_input_is_shown_next_to_the_field(client, auth, place, field, value, message):
    auth.login_as(place["staff"])
    response = client.post(
        f"/staff/venues/new?edition={place['edition'].slug}", data=_venue_form(**{field: value})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field_block = html[html.index(f'for="{field}"') :]
    assert message in field_block[: field_block.index("</div>")]
    assert _count(Venue) == 1


def test_duplicate_venue_code_in_the_same_edition_is_refused(client, auth, place):
    auth.login_as(place["staff"])
    response = client.post(
        f"/staff/venues/new?edition={place['edition'].slug}", data=_venue_form(code="cstm")
    )
    assert response.status_code == 422
    assert "Another venue of this edition already uses this code." in response.get_data(as_text=True)


def test_a_code_taken_between_the_check_and_the_insert_is_a_409_not_a_500(client, auth, place, monkeypatch):
    """Two staff adding the same venue at the same moment: both checks find the code free, the database's
    unique constraint refuses the second insert, and its sender is told (issue 15: a race decided by a
    check-then-insert is never a server error)."""
    from festival.venues import services

    auth.login_as(place["staff"])
    check = services._check_venue_code

    def the_other_staff_saves_meanwhile(edition, code, venue):
        check(edition, code, venue)  # free when looked at ...
        with db.engine.begin() as conn:  # ... and taken by another request before our insert
            conn.execute(sa.insert(Venue).values(edition_id=edition.id, code=code, name="Theirs", hours={}))

    monkeypatch.setattr(services, "_check_venue_code", the_other_staff_saves_meanwhile)
    response = client.post(f"/staff/venues/new?edition={place['edition'].slug}", data=_venue_form())
    assert response.status_code == 409
    assert "at the same moment" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Venue.name).where(Venue.code == "annex")).all() == ["Theirs"]


def test_editing_hours_for_a_holiday_monday_changes_the_instance(client, auth, place):
    auth.login_as(place["staff"])
    venue = place["venue"]
    form = _venue_form(code="cstm", name="Museum", special_hours="2031-04-07 09:30-17:00", closed_dates="")
    response = client.post(f"/staff/venues/{venue.id}/edit", data=form)
    assert response.status_code == 303
    instance = adapter.parse(adapter.build_instance(place["edition"]))
    monday = datetime(2031, 4, 7).toordinal()
    assert instance.venues[0].opening(monday) == ((570, 1020),)
    assert instance.venues[0].opening(monday + 7) == ()


def test_edit_form_shows_the_stored_hours(client, auth, place):
    auth.login_as(place["staff"])
    html = client.get(f"/staff/venues/{place['venue'].id}/edit").get_data(as_text=True)
    assert 'name="hours_tue" placeholder="09:30-17:00" type="text" value="09:30-17:00"' in html


# ---------------------------------------------------------------- theater validation


def _theater_form(**extra) -> dict:
    data = {
        "code": "hall", "name": "Lecture Hall", "seats": "280", "formats": ["documentary", "scifi"],
        "features": "3d", "changeover_minutes": "20", "start_step_minutes": "15", "position": "2",
    }  # fmt: skip
    data.update(extra)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seats", "0", "Between 1 and 100000 seats."),
        ("seats", "many", "Not a valid integer value."),
        ("formats", [], "Tick at least one format."),
        ("formats", ["imax"], "not a valid choice"),
        ("features", "3d, motion seats", "a feature is one word"),
        ("changeover_minutes", "-5", "Between 0 and 600 minutes."),
        ("start_step_minutes", "0", "Between 1 and 720 minutes."),
        ("code", "dome", "Another theater of this edition already uses this code."),
    ],
)
def test_bad_theater_input_is_shown_next_to_the_field(client, auth, place, field, value, message):
    auth.login_as(place["staff"])
    response = client.post(
        f"/staff/venues/{place['venue'].id}/theaters/new", data=_theater_form(**{field: value})
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert _count(Theater) == 2


def test_theater_code_must_be_unique_across_venues_of_the_edition(client, auth, place, make):
    other = make.venue(place["edition"], code="annex")
    db.session.commit()
    auth.login_as(place["staff"])
    response = client.post(f"/staff/venues/{other.id}/theaters/new", data=_theater_form(code="giant"))
    assert response.status_code == 422


def test_edit_theater_changes_what_the_solver_sees(client, auth, place):
    auth.login_as(place["staff"])
    giant = place["giant"]
    form = _theater_form(
        code="giant", name="Giant Screen", formats=["giant_screen", "documentary"], seats="632"
    )
    assert client.post(f"/staff/venues/theaters/{giant.id}/edit", data=form).status_code == 303
    data = adapter.build_instance(place["edition"])
    entry = next(t for t in data["theaters"] if t["id"] == "giant")
    assert entry["seats"] == 632 and entry["formats"] == ["giant_screen", "documentary"]
    assert entry["changeover_minutes"] == 20 and entry["start_step_minutes"] == 15


def test_theater_used_by_a_timetable_cannot_be_deleted(client, auth, place, make):
    owner = make.user()
    entry = make.entry(place["edition"], owner, "submitted")
    version = TimetableVersion(edition_id=place["edition"].id)
    db.session.add(version)
    db.session.flush()
    start = datetime(2031, 4, 3, 10, 0, tzinfo=TZ)
    db.session.add(
        Screening(timetable_id=version.id, entry_id=entry.id, theater_id=place["dome"].id, start=start,
                  end=start + timedelta(minutes=30))
    )  # fmt: skip
    db.session.commit()
    auth.login_as(place["staff"])
    response = client.post(f"/staff/venues/theaters/{place['dome'].id}/delete", follow_redirects=True)
    assert "cannot be deleted" in response.get_data(as_text=True)
    assert _count(Theater) == 2
    assert client.post(f"/staff/venues/theaters/{place['giant'].id}/delete").status_code == 303
    assert _count(Theater) == 1


# ---------------------------------------------------------------- blocks


def _block_form(place, **extra) -> dict:
    data = {
        "theaters": [str(place["dome"].id), str(place["giant"].id)], "kind": "opening_ceremony",
        "label": "Opening", "start": "2031-04-01T09:00", "end": "2031-04-01T12:30",
    }  # fmt: skip
    data.update(extra)
    return data


def test_a_block_for_several_theaters_becomes_local_unavailable_intervals(client, auth, place):
    auth.login_as(place["staff"])
    response = client.post(f"/staff/venues/{place['venue'].id}/blocks", data=_block_form(place))
    assert response.status_code == 303
    blocks = list(db.session.scalars(sa.select(Event)))
    assert len(blocks) == 2
    assert blocks[0].start == datetime(2031, 4, 1, 1, 0, tzinfo=blocks[0].start.tzinfo)  # stored as UTC
    data = adapter.build_instance(place["edition"])
    for theater in data["theaters"]:
        assert theater["unavailable"] == [{"start": "2031-04-01T09:00", "end": "2031-04-01T12:30"}]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"end": "2031-04-01T08:00"}, "The block must end after it starts."),
        ({"end": "2031-04-01T09:00"}, "The block must end after it starts."),
        ({"start": "yesterday"}, "Not a valid datetime value."),
        ({"start": "1999-04-01T09:00", "end": "1999-04-01T10:00"}, "within a year of the screening window"),
        ({"theaters": []}, "Tick at least one theater."),
        ({"kind": "party"}, "Not a valid choice"),
    ],
)
def test_bad_block_input_is_shown_and_nothing_is_saved(client, auth, place, extra, message):
    auth.login_as(place["staff"])
    response = client.post(f"/staff/venues/{place['venue'].id}/blocks", data=_block_form(place, **extra))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(Event) == 0


def test_edit_and_remove_a_block(client, auth, place):
    auth.login_as(place["staff"])
    client.post(
        f"/staff/venues/{place['venue'].id}/blocks", data=_block_form(place, theaters=[place["dome"].id])
    )
    block = db.session.scalar(sa.select(Event))
    html = client.get(f"/staff/venues/blocks/{block.id}/edit").get_data(as_text=True)
    assert 'value="2031-04-01T09:00"' in html
    edited = _block_form(place, theaters=[place["giant"].id], kind="maintenance", end="2031-04-01T17:00")
    assert client.post(f"/staff/venues/blocks/{block.id}/edit", data=edited).status_code == 303
    db.session.refresh(block)
    assert block.theater_id == place["giant"].id and block.end.astimezone(TZ).hour == 17
    assert client.post(f"/staff/venues/blocks/{block.id}/delete").status_code == 303
    assert _count(Event) == 0


def test_index_lists_demo_holidays_and_mondays_closed(client, auth, app):
    from festival.demo.services import load_demo
    from festival.models import User

    load_demo()
    db.session.commit()
    auth.login_as(db.session.scalar(sa.select(User).where(User.email == "staff@demo.festival")))
    html = client.get("/staff/venues/?edition=bjiff-11-st").get_data(as_text=True)
    assert "2021-04-05" in html and "2021-05-03" in html and "09:00-18:00" in html
    assert "Dome Theater" in html or "球幕影院" in html


def test_copy_venues_and_theaters_from_another_edition(client, auth, place, make):
    from datetime import date

    target = make.edition(first_day=date(2032, 4, 1), last_day=date(2032, 5, 31))
    place["venue"].closed_dates = ["2031-04-08"]
    db.session.commit()
    auth.login_as(place["staff"])
    page = client.get(f"/staff/venues/?edition={target.slug}").get_data(as_text=True)
    assert "Copy venues and theaters from" in page

    response = client.post(f"/staff/venues/copy?edition={target.slug}", data={"source": place["edition"].id})

    assert response.status_code == 303
    copied = db.session.scalar(sa.select(Venue).where(Venue.edition_id == target.id))
    assert copied.hours == place["venue"].hours and copied.closed_dates == []
    assert sorted(t.code for t in copied.theaters) == ["dome", "giant"]
    again = client.post(f"/staff/venues/copy?edition={target.slug}", data={"source": place["edition"].id})
    assert "already used in this edition" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert _count(Venue, Venue.edition_id == target.id) == 1
