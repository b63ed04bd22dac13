"""Staff keep events: the form's rules next to the fields, real CSRF, and the solver keeping the room free."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import AuditEvent, Event
from festival.models.enums import EventKind
from festival.schedule import adapter
from tests.conftest import Auth, csrf_token
from tests.factories import TZ


def _form(place, **extra) -> dict:
    data = {
        "kind": "forum", "title": "The Future of Dome Cinema", "title_zh": "球幕电影的未来",
        "description": "Makers of fulldome films talk about what comes next.", "theater_id": place["dome"].id,
        "start": "2031-04-03T14:00", "end": "2031-04-03T15:30", "public": "y", "capacity": "120",
        "registration_required": "y", "audience": "general", "language": "Chinese, English interpreting",
    }  # fmt: skip
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def _count(*where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(*where))


def test_staff_add_a_forum_session_with_a_real_csrf_token_and_the_solver_keeps_the_room_free(
    csrf_client, csrf_place
):
    Auth(csrf_client).login_as(csrf_place["staff"])
    url = f"/staff/events/new?edition={csrf_place['edition'].slug}"
    token = csrf_token(csrf_client, url)
    response = csrf_client.post(url, data={**_form(csrf_place), "csrf_token": token})
    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert (event.kind, event.public, event.capacity, event.registration_required) == (
        EventKind.FORUM, True, 120, True,
    )  # fmt: skip
    assert event.start == datetime(2031, 4, 3, 14, 0, tzinfo=TZ)
    dome = next(t for t in adapter.build_instance(csrf_place["edition"])["theaters"] if t["id"] == "dome")
    assert dome["unavailable"] == [{"start": "2031-04-03T14:00", "end": "2031-04-03T15:30"}]
    assert _count() == 1
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "event.create")
        )
        == 1
    )
    page = csrf_client.get(f"/staff/events/?edition={csrf_place['edition'].slug}").get_data(as_text=True)
    assert "The Future of Dome Cinema" in page and "0 of 120" in page


def test_an_event_post_without_csrf_token_is_refused(csrf_client, csrf_place):
    Auth(csrf_client).login_as(csrf_place["staff"])
    response = csrf_client.post(
        f"/staff/events/new?edition={csrf_place['edition'].slug}", data=_form(csrf_place)
    )
    assert response.status_code == 400 and _count() == 0


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"end": "2031-04-03T13:00"}, "end", "must end after it starts"),
        ({"end": None}, "end", "Give both the start and the end, or neither."),
        ({"start": None, "end": None}, "start", "Give the event a time, or a window"),
        ({"title": "", "title_zh": ""}, "title", "A public event needs a title"),
        ({"capacity": ""}, "capacity", "An event with registration needs a capacity."),
        ({"capacity": "301"}, "capacity", "The theater has 300 seats"),
        ({"start": "2035-04-03T14:00", "end": "2035-04-03T15:00"}, "start", "within a year of the screening"),
        (
            {"start": None, "end": None, "window_start": "2031-04-05T09:00",
             "window_end": "2031-04-05T10:00", "duration_minutes": "90"},
            "duration_minutes",
            "The event is longer than its window.",
        ),
        ({"theater_id": "999999"}, "theater_id", "Not a valid choice"),
    ],
)  # fmt: skip
def test_bad_event_input_is_named_next_to_its_field_and_nothing_is_saved(
    client, auth, place, extra, field, message
):
    auth.login_as(place["staff"])
    response = client.post(f"/staff/events/new?edition={place['edition'].slug}", data=_form(place, **extra))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    at_field = html[html.index(f'for="{field}"') :]
    assert message in at_field[: at_field.index("</div>")]
    assert _count() == 0


def test_an_event_to_be_placed_waits_in_its_window_without_keeping_a_room(client, auth, place):
    auth.login_as(place["staff"])
    data = _form(
        place, start=None, end=None, window_start="2031-04-05T09:00", window_end="2031-04-06T17:00",
        duration_minutes="60",
    )  # fmt: skip
    assert client.post(f"/staff/events/new?edition={place['edition'].slug}", data=data).status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert not event.placed
    dome = next(t for t in adapter.build_instance(place["edition"])["theaters"] if t["id"] == "dome")
    assert dome["unavailable"] == []
    page = client.get(f"/staff/events/?edition={place['edition'].slug}").get_data(as_text=True)
    assert "to be placed" in page
    # placing it outside its window is refused; inside, it keeps the room
    outside = {**data, "start": "2031-04-07T10:00", "end": "2031-04-07T11:00"}
    assert client.post(f"/staff/events/{event.id}/edit", data=outside).status_code == 422
    inside = {**data, "start": "2031-04-06T10:00", "end": "2031-04-06T11:00"}
    assert client.post(f"/staff/events/{event.id}/edit", data=inside).status_code == 303
    dome = next(t for t in adapter.build_instance(place["edition"])["theaters"] if t["id"] == "dome")
    assert dome["unavailable"] == [{"start": "2031-04-06T10:00", "end": "2031-04-06T11:00"}]


def test_a_block_is_an_event_that_is_not_public_and_both_keep_the_room(client, auth, place):
    auth.login_as(place["staff"])
    block = {
        "theaters": [place["dome"].id], "kind": "maintenance", "label": "Projector service",
        "start": "2031-04-02T09:30", "end": "2031-04-02T12:00",
    }  # fmt: skip
    assert client.post(f"/staff/venues/{place['venue'].id}/blocks", data=block).status_code == 303
    assert (
        client.post(f"/staff/events/new?edition={place['edition'].slug}", data=_form(place)).status_code
        == 303
    )
    rows = list(db.session.scalars(sa.select(Event).order_by(Event.start)))
    assert [(e.title, e.public) for e in rows] == [
        ("Projector service", False),
        ("The Future of Dome Cinema", True),
    ]
    dome = next(t for t in adapter.build_instance(place["edition"])["theaters"] if t["id"] == "dome")
    assert [u["start"] for u in dome["unavailable"]] == ["2031-04-02T09:30", "2031-04-03T14:00"]
    # the venue's block page lists both; the public event is edited on the events page, not as a block
    page = client.get(f"/staff/venues/{place['venue'].id}/blocks").get_data(as_text=True)
    assert "Projector service" in page and "The Future of Dome Cinema" in page
    assert f"/staff/events/{rows[1].id}/edit" in page
    assert client.get(f"/staff/venues/blocks/{rows[1].id}/edit").status_code == 404


def test_staff_delete_an_event(client, auth, place):
    auth.login_as(place["staff"])
    client.post(f"/staff/events/new?edition={place['edition'].slug}", data=_form(place))
    event = db.session.scalar(sa.select(Event))
    assert client.post(f"/staff/events/{event.id}/delete").status_code == 303
    assert _count() == 0


@pytest.mark.parametrize("role", ["filmmaker", "curator", "visitor"])
def test_only_staff_reach_the_events_pages(client, auth, place, make, role):
    auth.login_as(make.user(role=role))
    assert client.get("/staff/events/").status_code == 403
    assert (
        client.post(f"/staff/events/new?edition={place['edition'].slug}", data=_form(place)).status_code
        == 403
    )
    assert _count() == 0


def test_copying_venues_moves_recurring_events_to_the_same_weekday_and_leaves_one_off_ones(
    client, auth, place, make
):
    from datetime import date

    from festival.events import services

    edition = place["edition"]  # 1-14 April 2031; 3 April 2031 is a Thursday
    weekly = services.create_event(
        edition, actor=None, kind=EventKind.ASTRONOMY_CLASS, title="Astronomy class",
        theater_id=place["dome"].id,
        start=datetime(2031, 4, 3, 10, 0, tzinfo=TZ), end=datetime(2031, 4, 3, 11, 0, tzinfo=TZ), public=True,
        recurring=True,
    )  # fmt: skip
    services.create_event(
        edition, actor=None, kind=EventKind.CEREMONY, title="Opening", theater_id=place["giant"].id,
        start=datetime(2031, 4, 1, 9, 0, tzinfo=TZ), end=datetime(2031, 4, 1, 10, 0, tzinfo=TZ), public=True,
    )  # fmt: skip
    target = make.edition(first_day=date(2032, 4, 1), last_day=date(2032, 4, 14))
    db.session.commit()
    auth.login_as(place["staff"])
    assert (
        client.post(f"/staff/venues/copy?edition={target.slug}", data={"source": edition.id}).status_code
        == 303
    )
    (copy,) = db.session.scalars(sa.select(Event).where(Event.edition_id == target.id)).all()
    local = copy.start.astimezone(TZ)
    assert (copy.title, local.weekday(), local.hour) == (
        "Astronomy class",
        weekly.start.astimezone(TZ).weekday(),
        10,
    )
    assert date(2032, 4, 1) <= local.date() <= date(2032, 4, 14)
    assert copy.theater.venue.edition_id == target.id and copy.recurring and copy.public
