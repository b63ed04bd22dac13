"""The solver keeps an event's room free, and places a film tied to an event right before it (a pin
computed from the event), which the timetable explains."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from festival.events import services
from festival.extensions import db
from festival.models import Screening, SolveRun, TimetableVersion
from festival.models.enums import EventKind, RunStatus
from festival.schedule import adapter
from tests.factories import TZ
from tests.schedule.conftest import tiny  # noqa: F401

TITLE = "The Future of Dome Cinema"


def _forum(tiny, film, start=datetime(2031, 4, 3, 14, 0, tzinfo=TZ)):  # noqa: F811
    event = services.create_event(
        tiny["edition"], actor=None, kind=EventKind.FORUM, title=TITLE, theater_id=tiny["dome"].id,
        start=start, end=start + timedelta(hours=1), public=True, entry_id=film.id if film else None,
    )  # fmt: skip
    db.session.commit()
    return event


def _expected_start(event, film, theater) -> datetime:
    latest = event.start.astimezone(TZ) - timedelta(minutes=film.runtime_minutes + theater.changeover_minutes)
    return latest - timedelta(minutes=(latest.hour * 60 + latest.minute) % theater.start_step_minutes)


def test_the_instance_pins_a_tied_film_right_before_its_event_on_the_theaters_step(tiny):  # noqa: F811
    dome, film = tiny["dome"], tiny["films"][1]  # Ocean Dome, 40 min
    dome.changeover_minutes, dome.start_step_minutes = 10, 15
    event = _forum(tiny, film, start=datetime(2031, 4, 3, 14, 5, tzinfo=TZ))
    data = adapter.build_instance(tiny["edition"])
    # 14:05 - 40 - 10 = 13:15, on the 15-minute step
    assert {"film": f"e{film.id}", "theater": "dome", "start": "2031-04-03T13:15"} in data["fixed"]
    assert adapter.tie_start(event, film, tiny["edition"]) == datetime(2031, 4, 3, 13, 15, tzinfo=TZ)
    dome_json = next(t for t in data["theaters"] if t["id"] == "dome")
    assert {"start": "2031-04-03T14:05", "end": "2031-04-03T15:05"} in dome_json["unavailable"]
    # the event moves: the pin follows it
    services.update_event(
        event,
        actor=None,
        start=datetime(2031, 4, 4, 11, 0, tzinfo=TZ),
        end=datetime(2031, 4, 4, 12, 0, tzinfo=TZ),
    )
    fixed = adapter.build_instance(tiny["edition"])["fixed"]
    assert [f["start"] for f in fixed if f["film"] == f"e{film.id}"] == ["2031-04-04T10:00"]


def test_a_run_keeps_the_room_free_places_the_film_before_the_event_and_says_why(client, auth, tiny):  # noqa: F811
    dome, film = tiny["dome"], tiny["films"][1]
    event = _forum(tiny, film)
    auth.login_as(tiny["staff"])
    form = {"time_limit": "2", "keep_pins": "y", "base_version": "0"}
    assert client.post(f"/staff/timetable/runs?edition={tiny['edition'].slug}", data=form).status_code == 303
    run = db.session.scalars(sa.select(SolveRun).order_by(SolveRun.id.desc())).first()
    db.session.refresh(run)
    assert run.status == RunStatus.FINISHED
    version = db.session.get(TimetableVersion, run.result_version_id)
    in_dome = [s for s in version.screenings if s.theater_id == dome.id]
    assert all(s.end <= event.start or s.start >= event.end for s in in_dome)
    expected = _expected_start(event, film, dome)
    tied = [s for s in in_dome if s.entry_id == film.id and s.start == expected]
    assert len(tied) == 1 and tied[0].pinned
    page = client.get(f"/staff/timetable/versions/{version.id}/screenings/{tied[0].id}").get_data(
        as_text=True
    )
    assert f"Pinned before the forum session “{TITLE}”" in page
    other = next(s for s in version.screenings if s.id != tied[0].id)
    assert "Pinned before" not in client.get(
        f"/staff/timetable/versions/{version.id}/screenings/{other.id}"
    ).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) > 1


def test_a_tied_film_needs_a_theater_that_can_show_it(client, auth, tiny):  # noqa: F811
    auth.login_as(tiny["staff"])
    data = {
        "kind": "talk", "title": "Wind talk", "theater_id": tiny["dome"].id, "entry_id": tiny["films"][2].id,
        "start": "2031-04-03T14:00", "end": "2031-04-03T15:00", "public": "y",
    }  # fmt: skip
    response = client.post(f"/staff/events/new?edition={tiny['edition'].slug}", data=data)
    assert response.status_code == 422
    assert "Dome cannot show this film" in response.get_data(as_text=True)
