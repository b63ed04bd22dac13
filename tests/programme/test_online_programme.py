"""Online windows on the public programme: "online, from Fri 20:00 to Sun 20:00, 1,200 tickets", with an
add-to-calendar file spanning the window, in both languages."""

from __future__ import annotations

from datetime import timedelta

import icalendar

from festival.extensions import db
from festival.schedule import publishing
from tests.schedule.conftest import at, draft, fest, request_context, screen  # noqa: F401


def test_an_online_window_is_said_with_its_days_hours_and_tickets(client, make, fest, draft):  # noqa: F811
    fest["edition"].stream_formats = ["dome"]
    web = make.venue(fest["edition"], code="online", name="Online", name_zh="线上", hours={})
    channel = make.theater(web, code="ch1", name="Stream 1", name_zh="线上放映 1", seats=1200, online=True,
                           window_minutes=2880, changeover_minutes=0, start_step_minutes=60)  # fmt: skip
    window = screen(draft, fest["films"]["zh"], channel, at(4, 20))  # Friday 4 April 2031, 20:00
    window.end = window.start + timedelta(minutes=2880)
    db.session.commit()
    publishing.publish(draft, actor=fest["staff"], lock=None, accept_warnings=True)
    db.session.commit()

    page = client.get(f"/programme/{fest['edition'].slug}/?day=2031-04-04").get_data(as_text=True)
    assert "online, from Fri 20:00 to Sun 20:00, 1,200 tickets" in page
    film = client.get(f"/programme/{fest['edition'].slug}/film/{fest['films']['zh'].id}").get_data(
        as_text=True
    )
    assert "online, from Fri 20:00 to Sun 20:00, 1,200 tickets" in film
    chinese = client.get(
        f"/programme/{fest['edition'].slug}/?day=2031-04-04", headers={"Accept-Language": "zh"}
    ).get_data(as_text=True)
    assert "线上放映，周五 20:00 至 周日 20:00，1,200 张票" in chinese

    ics = client.get(f"/programme/{fest['edition'].slug}/screening/{window.id}.ics")
    assert ics.status_code == 200
    (event,) = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(hours=48)
