"""Version 2 in the adapter: an edition without cities, prints or channels still gives its version-1
instance byte for byte; with them it gives version 2, and the solver's prints come back as rows."""

from __future__ import annotations

import json

import scheduler
from festival.extensions import db
from festival.models import TimetableVersion, TransitDays
from festival.schedule import adapter


def _bytes(edition) -> bytes:
    return json.dumps(adapter.build_instance(edition), sort_keys=True).encode()


def test_an_edition_without_version_2_features_gives_the_same_version_1_bytes(fest, make):
    before = _bytes(fest["edition"])
    # what version 2 adds, unused: a transit table, no city, no print, no channel
    fest["edition"].transit_days_default = 3
    db.session.add(TransitDays(edition_id=fest["edition"].id, city_a="beijing", city_b="hefei", days=2))
    make.venue(fest["edition"], code="annex", name="Annex")  # a second venue in the same (empty) city
    db.session.flush()
    data = adapter.build_instance(fest["edition"])
    assert data["format"] == "festival-schedule-instance/1"
    assert "transit_days" not in data and all("city" not in v for v in data["venues"])
    assert all("prints" not in f for f in data["films"]) and all("online" not in t for t in data["theaters"])
    db.session.rollback()
    assert _bytes(fest["edition"]) == before


def test_cities_prints_and_channels_make_a_version_2_instance(fest, make):
    edition = fest["edition"]
    hefei = make.venue(edition, code="hf", name="Hefei Museum", city="hefei")
    make.theater(hefei, code="hf-dome", name="Hefei Dome", formats=["dome"])
    online = make.venue(edition, code="web", name="Online")
    make.theater(online, code="ch1", name="Stream 1", seats=1200, online=True, window_minutes=2880,
                 formats=["4d"], features=["x"])  # fmt: skip
    edition.stream_formats = ["dome", "documentary"]
    edition.transit_days_default = 2
    db.session.add_all([
        TransitDays(edition_id=edition.id, city_a="", city_b="hefei", days=3),
        TransitDays(edition_id=edition.id, city_a="hefei", city_b="wuhan", days=1),  # no venue in wuhan
    ])  # fmt: skip
    decision = adapter.accepted_entries(edition)[0][1]
    decision.prints = 2
    db.session.flush()

    data, instance = adapter.instance_for(edition)

    assert data["format"] == "festival-schedule-instance/2"
    assert [v["city"] for v in data["venues"]] == ["home", "hefei", "home"]
    assert data["transit_days"] == {"default": 2, "pairs": [["home", "hefei", 3]]}
    assert [f.get("prints") for f in data["films"]].count(2) == 1
    channel = next(t for t in data["theaters"] if t["id"] == "ch1")
    assert channel["online"] is True and channel["window_minutes"] == 2880
    assert channel["formats"] == ["dome", "documentary"] and channel["features"] == []  # the edition's
    assert instance.transit_days("home", "hefei") == 3 and instance.version == 2


def test_the_solvers_prints_come_back_as_rows_and_go_out_again(fest, make):
    edition = fest["edition"]
    hefei = make.venue(edition, code="hf", name="Hefei Museum", city="hefei")
    make.theater(hefei, code="hf-dome", name="Hefei Dome", formats=["dome"])
    for _entry, decision in adapter.accepted_entries(edition):
        decision.prints = 1 if decision.entry_id == fest["films"]["a"].id else None
    db.session.flush()
    data, instance = adapter.instance_for(edition)
    screenings = scheduler.greedy_schedule(instance)
    schedule = scheduler.schedule_to_json(
        scheduler.Schedule("feasible", None, None, 0.0, tuple(sorted(screenings)), version=2)
    )
    a = adapter.film_id(fest["films"]["a"].id)
    assert {s.get("print") for s in schedule["screenings"] if s["film"] == a} == {1}
    version = TimetableVersion(edition_id=edition.id, label="tour")
    db.session.add(version)
    db.session.flush()

    rows = adapter.apply_schedule(edition, schedule, version=version, instance=data)

    assert {r.print_number for r in rows if r.entry_id == fest["films"]["a"].id} == {1}
    assert {r.print_number for r in rows if r.entry_id != fest["films"]["a"].id} == {None}
    out = adapter.schedule_json_of(version)
    assert out["format"] == "festival-schedule/2"
    assert sorted(map(json.dumps, out["screenings"])) == sorted(map(json.dumps, schedule["screenings"]))
    assert adapter.check_version(version).valid
