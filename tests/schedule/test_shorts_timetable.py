"""Shorts programmes in the timetable: the adapter writes one solver film per programme (``p<id>``) in place
of its films and reads its screenings back with ``programme_id``; every staff surface that lists screenings
maps a programme's screening to its films (one test per surface)."""

from __future__ import annotations

import csv
import io

import icalendar
import pytest
import sqlalchemy as sa

import scheduler
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Decision, Screening, ShortsProgramme, TimetableVersion
from festival.models.enums import VersionStatus
from festival.schedule import adapter, changelog, edits, exports, grid, notices, publishing, shorts, versions
from tests.conftest import Auth, csrf_token
from tests.schedule.conftest import at


@pytest.fixture
def programme(fest):
    """Film A (dome, 30 min, min 1 max 3, 2 a day) and Starry Sky (dome, 30 min, min 0 max 2) as one
    programme: 30 + 2 + 30 = 62 minutes."""
    f = fest["films"]
    made = shorts.create_programme(
        fest["edition"], title_en="Night sky", title_zh="夜空", entries=[f["zh"], f["a"]]
    )
    db.session.commit()
    return made


@pytest.fixture
def unit_draft(fest, programme):
    """A draft: the programme in the dome at 10:00 on Wed 2 April, Film B at 11:30."""
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    db.session.add(
        Screening(
            timetable_id=version.id, programme_id=programme.id, theater_id=fest["dome"].id, start=at(2, 10),
            end=at(2, 11, 2), expected_attendance=150,
        )
    )  # fmt: skip
    b = fest["films"]["b"]
    db.session.add(
        Screening(timetable_id=version.id, entry_id=b.id, theater_id=fest["dome"].id, start=at(2, 11, 30),
                  end=at(2, 12, 10))
    )  # fmt: skip
    db.session.commit()
    return version


def test_the_instance_has_one_film_per_programme_in_place_of_its_films(fest, programme):
    f = fest["films"]
    data = adapter.build_instance(fest["edition"])
    ids = {film["id"] for film in data["films"]}
    assert adapter.film_id(f["a"].id) not in ids and adapter.film_id(f["zh"].id) not in ids
    assert adapter.film_id(f["b"].id) in ids
    unit = next(film for film in data["films"] if film["id"] == f"p{programme.id}")
    assert unit["title"] == "Night sky"
    assert (unit["format"], unit["runtime_minutes"], unit["requires"]) == ("dome", 62, [])
    # at least as often as the member needing most (A: 1), at most as the member allowing fewest (2)
    assert (unit["min_screenings"], unit["max_screenings"]) == (1, 2)
    assert (unit["max_per_day"], unit["copies"], unit["popularity"]) == (1, 1, 120)
    adapter.parse(data)  # the engine's reader accepts it


def test_a_programme_whose_films_cannot_screen_together_stays_single_films(fest, programme):
    f = fest["films"]
    decisions = {d.entry_id: d for d in db.session.scalars(sa.select(Decision))}
    decisions[f["a"].id].not_after = at(3, 0).date()  # A until 3 April, Starry Sky from 5 April
    decisions[f["zh"].id].not_before = at(5, 0).date()
    db.session.flush()
    ids = {film["id"] for film in adapter.build_instance(fest["edition"])["films"]}
    assert f"p{programme.id}" not in ids
    assert {adapter.film_id(f["a"].id), adapter.film_id(f["zh"].id)} <= ids


def test_a_schedule_of_the_programme_reads_back_as_programme_screenings(fest, programme):
    edition = fest["edition"]
    instance = adapter.build_instance(edition)
    result = scheduler.solve(adapter.parse(instance), time_limit=3, workers=1, deterministic=True)
    placed = [s for s in result.screenings if s.film == f"p{programme.id}"]
    assert placed, "the solver places the programme"
    draft = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
    db.session.add(draft)
    db.session.flush()
    schedule = scheduler.schedule_to_json(result)
    rows = adapter.apply_schedule(edition, schedule, version=draft, instance=instance)
    units = [r for r in rows if r.programme_id == programme.id]
    assert len(units) == len(placed) and all(r.entry_id is None for r in units)
    assert all((r.end - r.start).total_seconds() == 62 * 60 for r in units)
    assert adapter.check_version(draft).valid
    # and back: the version as a schedule names the programme by its id
    assert {s["film"] for s in adapter.screenings_to_schedule(draft)} >= {f"p{programme.id}"}


def test_the_grid_and_the_films_tab_map_the_programme_to_its_films(fest, programme, unit_draft):
    f = fest["films"]
    day = grid.day_grid(unit_draft, at(2, 10).date())
    unit = next(i for i in day.items if i.screening is not None and i.screening.programme_id)
    assert "fmt-dome" in unit.css
    lines = {line.entry.id: line for line in grid.film_lines(unit_draft)}
    assert lines[f["a"].id].count == 1 and lines[f["zh"].id].count == 1
    assert lines[f["a"].id].screenings[0].programme_id == programme.id
    assert grid.usage(unit_draft).cell(fest["dome"], at(2, 10).date()).screenings == 2


def test_the_grid_page_shows_the_programme(client, auth, fest, programme, unit_draft):
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/versions/{unit_draft.id}?day=2031-04-02").get_data(as_text=True)
    assert "Night sky" in page and "62 min" in page


def test_moving_a_programme_screening_is_checked_with_its_length(fest, programme, unit_draft):
    unit = next(s for s in unit_draft.screenings if s.programme_id)
    edits.move_screening(
        unit, theater=fest["dome"], start=at(3, 14), actor=fest["staff"], lock=unit_draft.version
    )
    assert unit.end == at(3, 15, 2)
    b = next(s for s in unit_draft.screenings if s.entry_id)
    with pytest.raises(edits.EditRejected):  # B runs 11:30-12:10 in the dome: no room for 62 minutes at 11:00
        edits.move_screening(unit, theater=fest["dome"], start=at(2, 11), actor=None, lock=unit_draft.version)
    assert b.start == at(2, 11, 30)


def test_the_exports_name_the_programme_and_its_films(fest, programme, unit_draft):
    f = fest["films"]
    rows = list(csv.DictReader(io.StringIO(exports.csv_text(unit_draft).lstrip("\ufeff"))))
    unit = next(r for r in rows if r["title"] == "Night sky")
    assert unit["films"].index("Starry Sky") < unit["films"].index("Film A")
    assert unit["runtime_minutes"] == "62" and unit["format"] == "dome"
    cal = icalendar.Calendar.from_ical(
        exports.calendar(fest["edition"], grid.version_screenings(unit_draft), name="t", stamp=at(1, 9))
    )
    event = next(e for e in cal.walk("VEVENT") if str(e["summary"]).startswith("Night sky"))
    assert "1. Starry Sky / 星空漫游 (30 min)" in str(event["description"])
    assert f"-p{programme.id}-" in str(event["uid"])
    described = exports.schedule_json(unit_draft)
    assert described["status"] == "feasible"
    assert set(described["films"][f"p{programme.id}"]["films"]) == {f"e{f['a'].id}", f"e{f['zh'].id}"}


def test_a_films_calendar_holds_its_programmes_screenings(client, auth, fest, programme, unit_draft):
    auth.login_as(fest["staff"])
    body = client.get(f"/staff/timetable/versions/{unit_draft.id}/films/{fest['films']['a'].id}.ics").data
    assert b"Night sky" in body


def test_changes_and_mails_name_each_film_of_a_moved_programme(fest, programme, unit_draft):
    f = fest["films"]
    unit_draft.status, unit_draft.number, unit_draft.published_at = VersionStatus.PUBLISHED, 1, at(1, 9)
    db.session.flush()
    copy = versions.create_draft(fest["edition"], based_on=unit_draft, actor=None)
    unit = next(s for s in copy.screenings if s.programme_id)
    unit.start, unit.end = at(3, 14), at(3, 15, 2)
    db.session.flush()
    diff = changelog.diff_versions(unit_draft, copy)
    assert sorted(c.entry.id for c in diff.moved) == sorted([f["a"].id, f["zh"].id])
    summary = publishing.summary(copy)
    assert {e.id for e in summary.films} == {f["a"].id, f["zh"].id}
    mails = notices.filmmaker_notices(diff, 2)
    assert {m.entry.id for m in mails} == {f["a"].id, f["zh"].id}
    assert all("Dome" in m.body for m in mails)


def test_a_programme_screenings_page_names_the_programme(client, auth, fest, programme, unit_draft):
    auth.login_as(fest["staff"])
    unit = next(s for s in unit_draft.screenings if s.programme_id)
    page = client.get(f"/staff/timetable/versions/{unit_draft.id}/screenings/{unit.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Night sky" in html and "62 min" in html
    assert html.index("Starry Sky (30 min)") < html.index("Film A (30 min)")


def test_the_add_form_offers_programmes_in_place_of_their_films_with_csrf(
    csrf_client, fest, programme, unit_draft
):
    f = fest["films"]
    Auth(csrf_client).login_as(fest["staff"])
    url = f"/staff/timetable/versions/{unit_draft.id}/screenings/new"
    page = csrf_client.get(url).get_data(as_text=True)
    page = page[page.index('<select id="entry"') :]
    page = page[: page.index("</select>")]
    unit = f"p{programme.id}"
    assert '<optgroup label="Shorts programmes">' in page
    assert f'<option value="{unit}">Night sky (Fulldome (planetarium), 62 min)</option>' in page
    # the programme's films screen only within it: not offered alone (Film B is)
    assert f'<option value="{f["a"].id}">' not in page and f'<option value="{f["zh"].id}">' not in page
    assert f'<option value="{f["b"].id}">' in page
    data = _addition(unit, fest["dome"], "2031-04-03", "10:00", unit_draft)
    assert csrf_client.post(url, data=data).status_code == 400  # no token: nothing added
    assert len(_units(unit_draft)) == 1
    done = csrf_client.post(url, data={**data, "csrf_token": csrf_token(csrf_client, url)})
    assert done.status_code == 303
    added = [s for s in _units(unit_draft) if s.start == at(3, 10)]
    assert len(added) == 1 and added[0].entry_id is None
    assert added[0].end == at(3, 11, 2)  # 62 minutes
    assert added[0].expected_attendance > 0  # valued by the solver
    assert adapter.check_version(unit_draft).valid


def test_adding_a_programme_is_checked_as_the_solver_schedules_it(client, auth, fest, programme, unit_draft):
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{unit_draft.id}/screenings/new"
    unit = f"p{programme.id}"
    # at most one a day (as Starry Sky): a second on 2 April is refused, with starts on other days offered
    data = _addition(unit, fest["dome"], "2031-04-02", "14:00", unit_draft)
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "This change would break the timetable&#39;s rules, so nothing was saved." in html
    assert "“Night sky” would be shown 2 times on Wed, Apr 2; it may be shown 1 time a day." in html
    assert html.count(f'<input type="hidden" name="entry" value="{unit}">') == 3  # starts that add it
    # the giant screen shows no dome films
    data.update(theater=fest["giant"].id, day="2031-04-04", start="14:00")
    assert client.post(url, data=data).status_code == 422
    assert len(_units(unit_draft)) == 1


def test_the_service_refuses_a_programme_of_another_edition(fest, programme, unit_draft, make):
    other = make.edition()
    foreign = ShortsProgramme(edition_id=other.id, title_en="Elsewhere")
    db.session.add(foreign)
    db.session.flush()
    with pytest.raises(InvalidInput):
        edits.add_screening(
            unit_draft, programme=foreign, theater=fest["dome"], start=at(4, 10), actor=None, lock=None
        )


def _addition(item: str, theater, day: str, start: str, version) -> dict:
    return {"entry": item, "theater": theater.id, "day": day, "start": start, "lock": version.version}


def _units(version) -> list[Screening]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Screening).where(
                Screening.timetable_id == version.id, Screening.programme_id.is_not(None)
            )
        )
    )
