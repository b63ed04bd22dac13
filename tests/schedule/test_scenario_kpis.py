"""The comparison's figures, one function each, against values worked out by hand on a small edition
(1-14 April 2031, Tuesday to Sunday 09:30-17:00, three theaters; 5 and 6 April are a weekend)."""

from __future__ import annotations

import pytest

from festival.errors import InvalidInput
from festival.extensions import db
from festival.models import Screening, SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import adapter, changelog, grid, scenarios, shorts, versions
from festival.schedule.problems import Namer
from tests.schedule.conftest import at, screen


def _version(fest, rows) -> TimetableVersion:
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    for film, theater, start, people in rows:
        screen(version, fest["films"][film], fest[theater], start, attendance=people)
    db.session.commit()
    return version


@pytest.fixture
def four(fest):
    """A twice (Saturday and Sunday) and B in the dome at 10:00 and 11:00, C in the giant screen."""
    return _version(
        fest,
        [
            ("a", "dome", at(5, 10), 300),
            ("a", "dome", at(6, 10), 250),
            ("b", "dome", at(2, 11), 100),
            ("c", "giant", at(2, 10), 400),
        ],
    )


def _edition_instance(fest):
    return adapter.parse(adapter.build_instance(fest["edition"], keep_pins=False))


def test_expected_attendance_counts_each_screening_under_the_editions_demand(fest, four):
    # every film draws 120 at weight 1; Saturday and Sunday weigh 1.5, 14:00-16:00 1.2 (the stored
    # expectations of the rows, 300 + 250 + 100 + 400, are not the yardstick)
    instance = _edition_instance(fest)
    assert scenarios.expected_attendance(four, instance) == 180 + 180 + 120 + 120
    # Saturday 14:00 in the small dome: 120 x 1.5 x 1.2 = 216, but it seats 80
    small = _version(fest, [("a", "dome2", at(5, 14), 0)])
    assert scenarios.expected_attendance(small, instance) == 80
    assert scenarios.expected_attendance(_version(fest, []), instance) == 0


def test_screenings_per_format_and_per_theater(fest, four):
    use = grid.usage(four)
    assert scenarios.screenings_by_format(use) == {"dome": 3, "giant_screen": 1}
    assert scenarios.screenings_by_theater(use) == {
        fest["dome"].id: 3,
        fest["dome2"].id: 0,
        fest["giant"].id: 1,
    }


def test_weekend_share_counts_saturdays_and_sundays_in_local_time(fest, four):
    assert scenarios.weekend_share(grid.usage(four)) == 2 / 4
    # 23:30 UTC on Friday 4 April is 07:30 on Saturday in Beijing: a weekend screening (no opening hours
    # are checked here, only the day)
    late = _version(fest, [("a", "dome", at(5, 7, 30), 10), ("b", "dome", at(4, 10), 10)])
    assert scenarios.weekend_share(grid.usage(late)) == 1 / 2
    assert scenarios.weekend_share(grid.usage(_version(fest, []))) is None


def test_utilisation_is_screen_minutes_over_open_minutes(fest, four):
    # 12 open days (the Mondays 7 and 14 April are closed) x 450 minutes x 3 theaters, less the giant
    # screen's forum on 3 April 09:30-12:00 (150 minutes); booked: 30 + 30 + 40 + 45 minutes
    assert scenarios.utilisation(grid.usage(four)) == pytest.approx(145 / (12 * 450 * 3 - 150))


def test_shortfalls_name_the_film_and_say_why(fest):
    only_a = _version(fest, [("a", "dome", at(2, 10), 100)])
    instance = _edition_instance(fest)
    rows = scenarios.shortfalls(only_a, instance, Namer.for_edition(fest["edition"]))
    assert [(r["title"], r["missing"]) for r in rows] == [("“Film B”", 1), ("“Film C”", 1)]
    assert all(r["reason"] for r in rows)  # the explainer's words, never empty


def test_no_shortfalls_when_every_minimum_is_met(fest, four):
    assert scenarios.shortfalls(four, _edition_instance(fest), Namer.for_edition(fest["edition"])) == []


def test_moves_against_the_published_version(fest, four):
    published = _version(fest, [("a", "dome", at(5, 10), 300), ("b", "dome", at(2, 14), 100)])
    assert scenarios.moves(four, None) is None
    # A on Sunday and C are new; B moved from 14:00 to 11:00
    assert scenarios.moves(four, published) == changelog.Counts(added=2, removed=0, moved=1)
    assert scenarios.moves(published, published) == changelog.Counts()


def test_gap_comes_from_the_run_that_made_the_version_unless_edited_by_hand(fest, four):
    assert scenarios.gap(four) is None  # not from a run
    run = SolveRun(edition_id=fest["edition"].id, status=RunStatus.FINISHED, objective=900, bound=1000)
    db.session.add(run)
    db.session.flush()
    four.source_run_id = run.id
    db.session.commit()
    assert scenarios.gap(four) == pytest.approx(0.1)
    four.hand_edits = 1
    db.session.commit()
    assert scenarios.gap(four) is None


def test_verdicts_know_which_way_is_better():
    assert scenarios.verdict("attendance", 1100, 1000) == "better"
    assert scenarios.verdict("attendance", 900, 1000) == "worse"
    assert scenarios.verdict("missing", 0, 2) == "better"
    assert scenarios.verdict("gap", 0.05, 0.01) == "worse"
    assert scenarios.verdict("moved", 3, 3) == ""
    assert scenarios.verdict("attendance", None, 1000) == ""


def test_a_closure_makes_the_theater_unavailable_and_releases_the_pins_inside_it(fest):
    base = _version(fest, [("a", "dome", at(2, 10), 0), ("b", "dome", at(9, 10), 0)])
    for s in base.screenings:
        s.pinned = True
    db.session.commit()
    edition = fest["edition"]
    changes = scenarios.parse_changes(
        {"closures": [{"theater": fest["dome"].id, "first": "2031-04-01", "last": "2031-04-03"}]},
        edition,
        base,
    )
    data = scenarios.apply_changes(adapter.build_instance(edition, base_version=base), changes, edition, base)
    dome = next(t for t in data["theaters"] if t["id"] == "dome")
    assert {"start": "2031-04-01T00:00", "end": "2031-04-04T00:00"} in dome["unavailable"]
    assert [(f["film"], f["start"]) for f in data["fixed"]] == [
        (f"e{fest['films']['b'].id}", "2031-04-09T10:00")
    ]
    # only the draft's films: A and B (C, D and the Chinese film are not in it)
    assert {f["id"] for f in data["films"]} == {f"e{fest['films']['a'].id}", f"e{fest['films']['b'].id}"}
    adapter.parse(data)  # still a valid instance


# ---------------------------------------------------------------- shorts programmes (screened as one film)


@pytest.fixture
def night_sky(fest):
    """Starry Sky and Film A as the programme "Night sky" (62 minutes), screened twice in a draft beside
    Film B and Film C."""
    f = fest["films"]
    programme = shorts.create_programme(
        fest["edition"], title_en="Night sky", title_zh="夜空", entries=[f["zh"], f["a"]]
    )
    version = _version(fest, [("b", "dome", at(2, 11, 30), 100), ("c", "giant", at(2, 10), 100)])
    for day in (2, 3):
        db.session.add(
            Screening(
                timetable_id=version.id, programme_id=programme.id, theater_id=fest["dome"].id,
                start=at(day, 10), end=at(day, 11, 2),
            )
        )  # fmt: skip
    db.session.commit()
    return programme, version


def test_a_programmes_screenings_count_for_the_programme_in_the_shortfalls(fest, night_sky):
    programme, version = night_sky
    instance = _edition_instance(fest)
    unit = instance.film_by_id[f"p{programme.id}"]
    assert unit.min_screenings == 1  # Film A needs one: the programme needs one
    # twice screened: no shortfall for the programme, nor for B and C
    assert scenarios.shortfalls(version, instance, Namer.for_edition(fest["edition"])) == []
    # without its screenings the programme is the film short of its minimum, named by its title
    for s in [s for s in version.screenings if s.programme_id]:
        db.session.delete(s)
    db.session.commit()
    rows = scenarios.shortfalls(version, instance, Namer.for_edition(fest["edition"]))
    assert [(r["title"], r["missing"]) for r in rows] == [("“Night sky”", 1)]


def test_a_programmes_screening_is_one_screening_of_its_format_and_theater(fest, night_sky):
    _programme, version = night_sky
    use = grid.usage(version)
    assert scenarios.screenings_by_format(use) == {"dome": 3, "giant_screen": 1}
    assert scenarios.screenings_by_theater(use)[fest["dome"].id] == 3


def test_the_base_screens_a_programmes_films_and_the_scenario_keeps_the_programme(fest, night_sky):
    programme, version = night_sky
    f, edition = fest["films"], fest["edition"]
    assert scenarios.base_films(version) == {f["a"].id, f["zh"].id, f["b"].id, f["c"].id}
    # dropping Film B keeps the programme as its one solver film
    changes = scenarios.parse_changes({"films": {"add": [], "drop": [f["b"].id]}}, edition, version)
    data = scenarios.apply_changes(adapter.build_instance(edition), changes, edition, version)
    assert {film["id"] for film in data["films"]} == {f"p{programme.id}", f"e{f['c'].id}"}
    # dropping both its films drops the programme
    both = {"films": {"add": [], "drop": [f["a"].id, f["zh"].id]}}
    changes = scenarios.parse_changes(both, edition, version)
    data = scenarios.apply_changes(adapter.build_instance(edition), changes, edition, version)
    assert {film["id"] for film in data["films"]} == {f"e{f['b'].id}", f"e{f['c'].id}"}
    adapter.parse(data)


def test_a_programmes_films_are_added_or_dropped_together(fest, night_sky):
    programme, version = night_sky
    f, edition = fest["films"], fest["edition"]
    # its films are screened (through the programme): they cannot be added, and one alone cannot be dropped
    errors = _errors(fest, version, {"films": {"add": [f["a"].id], "drop": [f["zh"].id]}})
    draft = versions.version_name(version)
    assert errors["add_films"] == [
        f"“Film A” is already in {draft}; only films it does not screen can be added."
    ]
    assert errors["drop_films"] == [
        "“Starry Sky” screens in the shorts programme “Night sky”: drop its other films too (“Film A”)."
    ]
    # a draft without the programme: adding one of its films alone is refused, both are accepted
    other = _version(fest, [("b", "dome", at(2, 11, 30), 100)])
    errors = _errors(fest, other, {"films": {"add": [f["a"].id], "drop": []}})
    assert errors["add_films"] == [
        "“Film A” screens in the shorts programme “Night sky”: add its other films too (“Starry Sky”)."
    ]
    changes = scenarios.parse_changes({"films": {"add": [f["a"].id, f["zh"].id], "drop": []}}, edition, other)
    data = scenarios.apply_changes(adapter.build_instance(edition), changes, edition, other)
    assert {film["id"] for film in data["films"]} == {f"e{f['b'].id}", f"p{programme.id}"}


def _errors(fest, base, data) -> dict:
    with pytest.raises(InvalidInput) as caught:
        scenarios.parse_changes(data, fest["edition"], base)
    return {k: [str(m) for m in v] for k, v in caught.value.errors.items()}
