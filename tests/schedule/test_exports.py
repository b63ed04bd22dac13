"""Exports of a version, each read back by a real parser: csv, icalendar, the solver's JSON reader."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import icalendar
import pytest

import scheduler
from festival.extensions import db
from festival.schedule import adapter, exports, versions
from scheduler import schedule_from_json
from tests.schedule.conftest import at, screen


@pytest.fixture
def staff_client(client, auth, fest):
    auth.login_as(fest["staff"])
    return client


def _rows(body: bytes) -> list[dict]:
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM makes spreadsheets read UTF-8 (Chinese titles)
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_has_one_row_per_screening_with_local_times_and_chinese_titles(staff_client, fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(5, 14), pinned=True, attendance=144)
    db.session.commit()
    response = staff_client.get(f"/staff/timetable/versions/{draft.id}/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert (
        f'filename="{fest["edition"].slug}-timetable-draft{draft.id}.csv"'
        in response.headers["Content-Disposition"]
    )
    rows = _rows(response.data)
    assert [r["title"] for r in rows] == ["Film A", "Film C", "Film B", "Starry Sky"]
    last = rows[-1]
    assert (last["date"], last["weekday"], last["start"], last["end"]) == (
        "2031-04-05",
        "Sat",
        "14:00",
        "14:30",
    )
    assert (last["title_zh"], last["theater_zh"], last["pinned"], last["expected_attendance"]) == (
        "星空漫游", "球幕影院", "yes", "144",
    )  # fmt: skip
    assert last["format"] == "dome" and last["audiences"] == "families" and last["venue"] == "Museum"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(staff_client, fest, draft):
    entry = fest["films"]["a"]
    entry.title_en = '=HYPERLINK("http://evil.example","click")'
    entry.title_original = "+cmd|' /C calc'!A0"
    fest["venue"].name = "@SUM(1+1)"
    fest["films"]["b"].title_en = "＝HYPERLINK(1)"  # full-width, as a Chinese input method types it
    db.session.commit()
    rows = _rows(staff_client.get(f"/staff/timetable/versions/{draft.id}/export.csv").data)
    row = next(r for r in rows if "HYPERLINK" in r["title"])
    assert (
        row["title"].startswith("'=")
        and row["title_original"].startswith("'+")
        and row["venue"] == "'@SUM(1+1)"
    )
    assert next(r for r in rows if "HYPERLINK(1)" in r["title"])["title"] == "'＝HYPERLINK(1)"


def _calendar(body: bytes) -> icalendar.Calendar:
    cal = icalendar.Calendar.from_ical(body)
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    [tz] = cal.walk("VTIMEZONE")
    assert tz["TZID"] == "Asia/Shanghai"
    return cal


def test_icalendar_is_valid_with_a_shanghai_timezone_stable_uids_and_stamps(staff_client, fest, draft):
    body = staff_client.get(f"/staff/timetable/versions/{draft.id}/export.ics").data
    cal = _calendar(body)
    events = cal.walk("VEVENT")
    assert len(events) == 3
    first = events[0]
    start = first.decoded("DTSTART")
    assert start == at(2, 10) and start.tzinfo is not None and str(start.tzinfo) == "Asia/Shanghai"
    assert first.decoded("DTEND") - start == timedelta(minutes=30)
    assert b"DTSTART;TZID=Asia/Shanghai:20310402T100000" in body
    assert str(first["SUMMARY"]) == "Film A" and str(first["LOCATION"]) == "Dome, Museum"
    assert isinstance(first.decoded("DTSTAMP"), datetime)
    assert len({str(e["UID"]) for e in events}) == 3
    # a copy of the version keeps the UIDs, so calendars update instead of duplicating events
    copy = versions.create_draft(fest["edition"], actor=None, based_on=draft)
    db.session.commit()
    again = _calendar(staff_client.get(f"/staff/timetable/versions/{copy.id}/export.ics").data)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == {str(e["UID"]) for e in events}


def test_icalendar_per_theater_and_per_film(staff_client, fest, draft):
    base = f"/staff/timetable/versions/{draft.id}"
    dome = _calendar(staff_client.get(f"{base}/theaters/{fest['dome'].id}.ics").data)
    assert sorted(str(e["SUMMARY"]) for e in dome.walk("VEVENT")) == ["Film A", "Film B"]
    film = _calendar(staff_client.get(f"{base}/films/{fest['films']['c'].id}.ics").data)
    assert [str(e["SUMMARY"]) for e in film.walk("VEVENT")] == ["Film C"]
    assert staff_client.get(f"{base}/theaters/99999.ics").status_code == 404


def test_a_code_and_a_name_with_quotes_and_line_breaks_never_break_the_download(staff_client, fest, draft):
    """Issue 15 item 11: a theater id with a quote and CRLF (imported before ids were checked) made its .ics
    download answer 500; whatever a row holds, the file name and the calendar stay well-formed."""
    dome = fest["dome"]
    dome.code, dome.name = 'do"me\r\nSet-Cookie: x=1', 'Dome\r\nX-Evil: 1 "quoted"'
    db.session.commit()
    response = staff_client.get(f"/staff/timetable/versions/{draft.id}/theaters/{dome.id}.ics")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\r" not in disposition and "\n" not in disposition and disposition.count('"') == 2
    assert (
        not any("x=1" in c for c in response.headers.getlist("Set-Cookie"))
        and "X-Evil" not in response.headers
    )
    cal = _calendar(response.data)
    assert str(cal["X-WR-CALNAME"]).startswith('Dome X-Evil: 1 "quoted" · ')  # one line, read back whole
    assert {str(e["LOCATION"]) for e in cal.walk("VEVENT")} == {'Dome X-Evil: 1 "quoted", Museum'}


def test_icalendar_summary_carries_the_chinese_title(fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(5, 14))
    db.session.commit()
    body = exports.calendar(fest["edition"], draft.screenings, name="x", stamp=at(1, 9))
    summaries = [str(e["SUMMARY"]) for e in _calendar(body).walk("VEVENT")]
    assert "Starry Sky / 星空漫游" in summaries


def test_json_is_the_spec_schedule_format_and_valid_for_the_instance(staff_client, fest, draft):
    response = staff_client.get(f"/staff/timetable/versions/{draft.id}/export.json")
    data = json.loads(response.data)
    assert data["format"] == "festival-schedule/1" and data["status"] == "feasible"
    schedule = schedule_from_json(data)
    assert len(schedule.screenings) == 3
    instance = adapter.parse(adapter.build_instance(fest["edition"], base_version=draft))
    report = scheduler.check_json(instance, data)
    assert report.valid and report.objective == data["objective"]
    film_a = adapter.film_id(fest["films"]["a"].id)
    assert {"film": film_a, "theater": "dome", "start": "2031-04-02T10:00"} in data["screenings"]
    assert data["films"][film_a]["title"] == "Film A" and data["theaters"]["dome"]["name"] == "Dome"
    assert data["timetable"]["status"] == "draft" and data["shortfalls"] == []


def test_json_of_a_broken_version_says_infeasible_with_the_violations(fest, draft):
    screen(draft, fest["films"]["a"], fest["dome"], at(2, 10, 15))
    db.session.commit()
    data = exports.schedule_json(draft)
    assert data["status"] == "infeasible"
    assert {v["rule"] for v in data["violations"]} >= {"one screening at a time", "copies"}


def test_the_printable_programme_has_a_section_per_day_and_the_print_stylesheet(staff_client, fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(5, 14))
    db.session.commit()
    page = staff_client.get(f"/staff/timetable/versions/{draft.id}/print").get_data(as_text=True)
    assert "/static/css/print.css" in page
    assert page.count('<section class="booklet-day">') == 2
    assert "Starry Sky" in page and "星空漫游" in page and "Draft — not the public programme." in page
