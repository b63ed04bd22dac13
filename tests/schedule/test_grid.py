"""The grid and the other read views of a version: placement, heat map, lists and totals."""

from __future__ import annotations

from datetime import date

from festival.extensions import db
from festival.schedule import grid
from tests.schedule.conftest import at, screen


def _item(day_grid, kind, column):
    return [i for i in day_grid.items if i.kind == kind and i.column == column]


def test_a_screening_is_placed_by_theater_column_and_five_minute_rows(fest, draft):
    g = grid.day_grid(draft, date(2031, 4, 2))
    assert [t.code for t in g.theaters] == ["dome", "dome2", "giant"]
    assert (g.first_minute, g.last_minute) == (9 * 60, 17 * 60)  # opening 09:30-17:00, whole hours
    a = next(i for i in g.items if i.screening is not None and i.screening.entry.title_en == "Film A")
    # column 1 is the time axis; row 1 the theater names; 10:00 is 12 five-minute rows after 09:00
    assert (a.column, a.row, a.span) == (2, 14, 6)
    assert a.css.split()[:4] == ["screening", "c-2", "rs-14", "rspan-6"] and "fmt-dome" in a.css
    b = next(i for i in g.items if i.screening is not None and i.screening.entry.title_en == "Film B")
    assert (b.row, b.span) == (26, 8)
    assert g.attendance == 0 and len(g.screenings) == 3 and g.open_theaters == 3


def test_closed_time_and_blocks_are_shown_in_each_theater(fest, draft):
    g = grid.day_grid(draft, date(2031, 4, 3))
    closed = _item(g, "closed", 4)
    assert [(i.row, i.span) for i in closed] == [(2, 6)]  # 09:00-09:30 before opening
    [block] = _item(g, "block", 4)
    assert (block.row, block.span, block.label) == (8, 30, "Academic forum")  # 09:30-12:00
    assert _item(g, "block", 2) == []


def test_a_closed_day_says_so_and_days_navigate_between_screening_days(fest, draft):
    screen(draft, fest["films"]["a"], fest["dome"], at(9, 10))
    db.session.commit()
    monday = grid.day_grid(draft, date(2031, 4, 7))
    assert monday.open_theaters == 0 and monday.screenings == []
    assert monday.neighbour(-1) == date(2031, 4, 2) and monday.neighbour(1) == date(2031, 4, 9)


def test_usage_counts_open_minutes_after_blocks_and_booked_minutes(fest, draft):
    use = grid.usage(draft)
    dome, giant = fest["dome"], fest["giant"]
    assert use.cell(dome, date(2031, 4, 2)).free == 450
    assert use.cell(dome, date(2031, 4, 2)).booked == 70
    assert use.cell(giant, date(2031, 4, 3)).free == 450 - 150
    assert use.cell(dome, date(2031, 4, 7)).level == -1  # Monday: closed
    assert use.cell(dome, date(2031, 4, 2)).level == round(70 / 450 * 10)


def test_totals_by_theater_format_and_week(fest, draft):
    for s in draft.screenings:
        s.expected_attendance = 100
    db.session.commit()
    totals = grid.totals(grid.usage(draft), theater_label=lambda t: t.name, format_label=str)
    by_theater = {t.label: t for t in totals.by_theater}
    assert (by_theater["Dome"].screenings, by_theater["Dome"].booked, by_theater["Dome"].attendance) == (
        2,
        70,
        200,
    )
    assert by_theater["Small Dome"].screenings == 0
    assert {t.key: t.screenings for t in totals.by_format} == {"dome": 2, "giant_screen": 1}
    assert [t.key for t in totals.by_week] == ["2031-03-31", "2031-04-07", "2031-04-14"]
    assert totals.by_week[0].screenings == 3 and totals.overall.attendance == 300
    # 6 open days in week one, 6 in week two, the closed Monday 14th in week three; blocks subtracted
    assert totals.by_week[2].free == 0
    assert totals.overall.free == 12 * 450 * 3 - 150


def test_film_lines_flag_short_films_and_films_no_longer_accepted(fest, draft):
    screen(draft, fest["films"]["rejected"], fest["dome2"], at(4, 10))
    db.session.commit()
    lines = {line.entry.title_en: line for line in grid.film_lines(draft)}
    assert lines["Film A"].status == "ok" and lines["Film A"].count == 1
    assert lines["Film D"].status == "ok" and lines["Film D"].count == 0  # minimum 0
    assert lines["Film R"].status == "not_accepted"
    screen(draft, fest["films"]["b"], fest["dome"], at(4, 10))
    screen(draft, fest["films"]["b"], fest["dome"], at(5, 10))
    db.session.commit()
    assert {line.entry.title_en: line for line in grid.film_lines(draft)}["Film B"].status == "over"


def test_theater_lines_group_screenings_by_day(fest, draft):
    lines = {line.theater.code: line for line in grid.theater_lines(draft)}
    assert lines["dome"].count == 2 and [d for d, _ in lines["dome"].days] == [date(2031, 4, 2)]
    assert lines["dome2"].days == []


def test_every_view_of_a_version_renders_for_staff(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    base = f"/staff/timetable/versions/{draft.id}"
    grid_page = client.get(f"{base}?day=2031-04-02").get_data(as_text=True)
    assert 'class="tt-item screening c-2 rs-14 rspan-6 fmt-dome short"' in grid_page and "Film A" in grid_page
    assert "Academic forum" not in grid_page  # that block is on the 3rd
    assert "Academic forum" in client.get(f"{base}?day=2031-04-03").get_data(as_text=True)
    overview = client.get(f"{base}/overview").get_data(as_text=True)
    assert "heat-closed" in overview and "heat-2" in overview
    assert "Film C" in client.get(f"{base}/films").get_data(as_text=True)
    assert "Giant Screen" in client.get(f"{base}/theaters").get_data(as_text=True)
    stats = client.get(f"{base}/stats").get_data(as_text=True)
    assert "<svg" in stats and 'class="bar bar-dome"' in stats
    for path in ("", "/overview", "/films", "/theaters", "/stats", "/compare", "/publish"):
        response = client.get(base + path)
        assert response.status_code == 200, path
        assert "style=" not in response.get_data(as_text=True), path  # the CSP forbids inline styles


def test_an_unknown_or_malformed_day_falls_back_to_the_first_screening_day(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    for day in ("garbage", "2030-01-01", "2031-02-30"):
        page = client.get(f"/staff/timetable/versions/{draft.id}?day={day}")
        assert page.status_code == 200 and 'value="2031-04-02"' in page.get_data(as_text=True)


def test_version_pages_are_for_staff_only(client, auth, fest, draft, make):
    url = f"/staff/timetable/versions/{draft.id}"
    assert client.get(url).status_code == 302
    auth.login_as(make.user(role="curator"))
    assert client.get(url).status_code == 403
    assert client.get("/staff/timetable/").status_code == 403
    assert client.get(f"{url}/export.csv").status_code == 403
    auth.login_as(make.user(role="admin"))
    assert client.get(url).status_code == 200
    assert client.get("/staff/timetable/versions/99999").status_code == 404
