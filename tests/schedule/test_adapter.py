"""The adapter builds solver instances from the database and writes schedules back as screenings."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

import scheduler
from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Screening, TimetableVersion
from festival.models.enums import EntryStatus, VersionStatus
from festival.schedule import adapter
from festival.schedule.adapter.words import CODE_TEXT
from scheduler import greedy_schedule
from tests.factories import TZ

DEMO_INSTANCE = Path(__file__).resolve().parents[2] / "data" / "instances" / "cstm-2021.json"


def _greedy_json(instance) -> dict:
    screenings = greedy_schedule(instance)
    schedule = scheduler.Schedule("feasible", None, None, 0.0, tuple(sorted(screenings)))
    return scheduler.schedule_to_json(schedule)


def test_demo_instance_parses_and_matches_the_demo_file(demo_edition):
    data, instance = adapter.instance_for(demo_edition)
    original = json.loads(DEMO_INSTANCE.read_text())
    # the demo's giant-screen films and four dome films are prints (festival.demo.services.DEMO_PRINTS)
    assert data["format"] == "festival-schedule-instance/2"
    prints = sorted(f["prints"] for f in data["films"] if "prints" in f)
    assert prints == [1] * 11 + [1, 2, 2, 3]
    assert data["festival"]["first_day"] == "2021-04-01" and data["festival"]["timezone"] == "Asia/Shanghai"
    assert len(instance.films) == len(original["films"])
    assert {t["id"] for t in data["theaters"]} == {t["id"] for t in original["theaters"]}
    assert data["venues"][0]["special_hours"] == original["venues"][0]["special_hours"]
    assert data["venues"][0]["hours"]["mon"] == []
    # the demo keeps its programme stable: the default move cost instead of the file's 0
    assert data["weights"] == {**original["weights"], "change_penalty": adapter.DEFAULT_MOVE_COST}
    by_title = {f["title"]: f for f in data["films"]}
    for film in original["films"]:
        mine = by_title[film["title"]]
        for key in ("format", "runtime_minutes", "min_screenings", "max_screenings", "popularity"):
            assert mine[key] == film[key], (film["id"], key)
    assert len(data["fixed"]) == len(original["fixed"])
    assert data["previous"] == []


def test_demo_round_trip_through_screening_rows_validates(demo_edition):
    data, instance = adapter.instance_for(demo_edition)
    schedule_json = _greedy_json(instance)
    version = TimetableVersion(edition_id=demo_edition.id, label="round trip")
    db.session.add(version)
    db.session.flush()

    rows = adapter.apply_schedule(demo_edition, schedule_json, version=version, instance=data)

    assert len(rows) == len(schedule_json["screenings"])
    assert sum(r.pinned for r in rows) == len(data["fixed"])
    db.session.commit()
    back = adapter.screenings_to_schedule(version)
    assert sorted(map(json.dumps, back)) == sorted(map(json.dumps, schedule_json["screenings"]))
    report = scheduler.check_json(
        scheduler.parse_instance(adapter.build_instance(demo_edition)), {"screenings": back}
    )
    assert report.valid, report.violations[:3]
    assert sum(r.expected_attendance for r in rows) == report.attendance
    assert adapter.check_version(version).valid


def test_blocks_become_local_unavailable_intervals(tiny):
    data = adapter.build_instance(tiny["edition"])
    dome = next(t for t in data["theaters"] if t["id"] == "dome")
    assert dome["unavailable"] == [{"start": "2031-04-02T09:30", "end": "2031-04-02T12:00"}]


def test_only_accepted_entries_with_accepted_decision_are_films(tiny, make):
    withdrawn = tiny["films"][3]
    withdrawn.status = EntryStatus.WITHDRAWN
    db.session.commit()
    data = adapter.build_instance(tiny["edition"])
    assert {f["id"] for f in data["films"]} == {f"e{e.id}" for e in tiny["films"][:3]}
    film = next(f for f in data["films"] if f["id"] == f"e{tiny['films'][0].id}")
    assert film["title"] == "星空漫游"


def _version(edition, status=VersionStatus.DRAFT, number=None):
    version = TimetableVersion(edition_id=edition.id, status=status, number=number)
    if status == VersionStatus.PUBLISHED:
        version.published_at = datetime.now(TZ)
    db.session.add(version)
    db.session.flush()
    return version


def _screening(version, entry, theater, start, pinned=False):
    row = Screening(
        timetable_id=version.id, entry_id=entry.id, theater_id=theater.id, start=start,
        end=start + timedelta(minutes=entry.runtime_minutes), pinned=pinned,
    )  # fmt: skip
    db.session.add(row)
    return row


def test_pins_of_draft_are_fixed_and_published_screenings_are_previous(tiny):
    edition, film, dome = tiny["edition"], tiny["films"][0], tiny["dome"]
    published = _version(edition, VersionStatus.PUBLISHED, number=1)
    _screening(published, film, dome, datetime(2031, 4, 5, 14, 0, tzinfo=TZ))
    draft = _version(edition)
    _screening(draft, film, dome, datetime(2031, 4, 6, 10, 0, tzinfo=TZ), pinned=True)
    _screening(draft, film, dome, datetime(2031, 4, 3, 10, 0, tzinfo=TZ), pinned=False)
    db.session.commit()

    data = adapter.build_instance(edition)
    assert data["fixed"] == [{"film": f"e{film.id}", "theater": "dome", "start": "2031-04-06T10:00"}]
    assert data["previous"] == [{"film": f"e{film.id}", "theater": "dome", "start": "2031-04-05T14:00"}]
    assert adapter.build_instance(edition, keep_pins=False)["fixed"] == []
    assert adapter.build_instance(edition, base_version=published)["fixed"] == []


def test_database_values_the_solver_rejects_raise_a_domain_error(tiny):
    tiny["venue"].hours = {"tue": [["17:00", "09:30"]]}
    db.session.commit()
    with pytest.raises(adapter.InstanceBuildError) as err:
        adapter.instance_for(tiny["edition"])
    assert any("hours.tue" in message for message in err.value.messages)


def test_schedule_naming_an_unknown_theater_is_refused(tiny):
    edition = tiny["edition"]
    draft = _version(edition)
    bad = {
        "screenings": [{"film": f"e{tiny['films'][0].id}", "theater": "nowhere", "start": "2031-04-03T10:00"}]
    }
    with pytest.raises(adapter.ScheduleMappingError):
        adapter.apply_schedule(edition, bad, version=draft)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Screening)) == 0


def test_published_version_is_never_written(tiny):
    edition = tiny["edition"]
    published = _version(edition, VersionStatus.PUBLISHED, number=1)
    with pytest.raises(ValueError, match="draft"):
        adapter.apply_schedule(edition, {"screenings": []}, version=published)


def test_clashing_theater_codes_get_venue_prefixed_ids(tiny, make):
    other = make.venue(tiny["edition"], code="annex", name="Annex")
    make.theater(other, code="dome", name="Annex dome")
    db.session.commit()
    ids = sorted(t["id"] for t in adapter.build_instance(tiny["edition"])["theaters"])
    assert ids == ["4d", "annex-dome", "cstm-dome"]
    assert set(adapter.theater_map(tiny["edition"])) == set(ids)


def test_every_problem_code_of_the_reader_has_words_in_the_app():
    """One message per code: a code the scheduler adds fails here until the app can say it."""
    assert set(scheduler.MESSAGES) <= set(CODE_TEXT)
    assert set(CODE_TEXT) <= set(scheduler.MESSAGES)


BROKEN = {
    "format": "festival-schedule-instance/9",
    "festival": {"name": "X", "timezone": "Asia/Shanghai", "first_day": "2031-04-10",
                 "last_day": "2031-04-01"},
    "venues": [
        {"id": "v", "name": "Museum", "closed_dates": ["2031-02-30"],
         "hours": {"tue": [["17:00", "09:30"], ["10:00", "10:00"], ["25:00", "26:00"]],
                   "wed": [["09:00", "12:00"], ["11:00", "13:00"]], "xyz": []}},
        {"id": "v", "hours": {}},
    ],
    "theaters": [
        {"id": "t", "venue": "nowhere", "name": "Dome", "seats": 0, "formats": ["opera"],
         "unavailable": [{"start": "2031-04-02T12:00", "end": "2031-04-02T10:00"},
                         {"start": "soon", "end": "x"}]},
    ],
    "films": [
        {"id": "f", "title": "Aurora", "format": "dome", "runtime_minutes": -3, "min_screenings": 5,
         "max_screenings": 2, "popularity": -1, "requires": [""], "not_before": "someday"},
    ],
    "fixed": [{"film": "ghost", "theater": "t", "start": "2031-04-02 10:00"}],
    "weights": {"hour": [[1, 2]]},
}  # fmt: skip


def test_the_readers_problems_are_said_in_words_naming_the_venue_theater_or_film(app):
    with pytest.raises(adapter.InstanceBuildError) as refused, app.test_request_context():
        adapter.parse(BROKEN)
    problems = refused.value.problems
    assert len({p.code for p in problems}) >= 15  # a good part of the vocabulary
    with app.test_request_context():
        messages = [adapter.in_words(p, adapter.build.names_in(BROKEN)) for p in problems]
    assert all("%(" not in m for m in messages)
    assert any(m.startswith("Dome · seats: ") for m in messages)  # the theater by name, not theaters[0]
    assert any(m.startswith("Aurora · min_screenings: The minimum, 5 screenings") for m in messages)
    assert "Museum · hours.wed[1]: 11:00-13:00 overlaps 09:00-12:00." in messages


def test_a_theater_the_reader_refuses_is_refused_next_to_its_field(tiny):
    from festival.venues import services

    values = {
        "code": "giant", "name": "Giant", "name_zh": None, "seats": 0, "formats": ["giant_screen"],
        "features": [], "changeover_minutes": 0, "start_step_minutes": 5, "position": 2,
    }  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        services.create_theater(tiny["venue"], actor=None, **values)
    assert refused.value.errors == {"seats": ["Give a whole number above 0."]}
