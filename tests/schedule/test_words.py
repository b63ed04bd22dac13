"""Words, not codes: every timetable message names films by title and theaters by name, in the reader's
language, and says the rule in plain words (festival.schedule.problems, from the validator's values)."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest
from flask_babel import force_locale

import scheduler
from festival.extensions import db
from festival.models import SolveRun
from festival.schedule import edits, problems, runs, versions
from tests.schedule.conftest import at, screen


def _refusal(fest, draft, key, theater, start) -> list:
    screening = next(s for s in draft.screenings if s.entry_id == fest["films"][key].id)
    with pytest.raises(versions.EditRejected) as caught:
        edits.move_screening(screening, theater=fest[theater], start=start, actor=None, lock=None)
    db.session.rollback()
    return caught.value.problems


def test_a_refused_move_reads_in_chinese_with_chinese_titles_and_names(fest, draft):
    screen(draft, fest["films"]["zh"], fest["dome"], at(3, 10))
    db.session.commit()
    with force_locale("zh"):
        problems = _refusal(fest, draft, "zh", "dome", at(7, 10))  # a Monday: the museum is closed
        text = str(problems[0].message)
    assert text == "《星空漫游》，球幕影院，4月7日周一 10:00：科技馆每周一闭馆。"


def test_a_refused_move_says_who_is_in_the_way_and_when_the_theater_is_free(fest, draft):
    problems = _refusal(fest, draft, "b", "dome", at(2, 10, 30))
    assert [p.code for p in problems] == ["overlap"]
    assert problems[0].about == "“Film B”, Dome, Wed, Apr 2 10:30"
    assert problems[0].reason == (
        "“Film A” is already showing in Dome until 10:30; with the 15-minute changeover the next screening "
        "can start at 10:45."
    )


def test_a_run_with_conflicting_pins_lists_them_in_words(client, auth, tiny):
    edition = tiny["edition"]
    star, ocean = tiny["films"][:2]
    pins = versions.create_draft(edition, actor=None)
    db.session.flush()
    screen(pins, star, tiny["dome"], at(3, 10), pinned=True)
    screen(pins, ocean, tiny["dome"], at(3, 10, 15), pinned=True)  # while the first is still showing
    db.session.commit()
    run = runs.start_run(edition, actor=tiny["staff"], time_limit=2, base_version=pins)
    db.session.commit()
    runs.execute_run(run.id)
    run = db.session.get(SolveRun, run.id)
    db.session.refresh(run)
    assert run.solver_status == "infeasible" and run.result_version_id is None
    auth.login_as(tiny["staff"])
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "Pinned screenings that cannot hold together" in page
    assert "“Ocean Dome”, Dome, Thu, Apr 3 10:15: “星空漫游” is already showing in Dome until 10:30" in page
    assert (
        f"e{star.id}"
        not in page.split("Pinned screenings that cannot hold together")[1].split("</section>")[0]
    )


def _codes_in(path: Path) -> set[str]:
    """The codes a scheduler module gives its violations (the third argument of each Violation(...))."""

    def values(node: ast.AST) -> set[str]:
        if isinstance(node, ast.IfExp):
            return values(node.body) | values(node.orelse)
        return {node.value} if isinstance(node, ast.Constant) else set()

    codes = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Violation" and len(node.args) > 2:
            codes |= values(node.args[2])
        elif isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["code"]:
            codes |= values(node.value)  # code = "outside_hours" if hours else "closed"
    return codes


def test_every_code_of_the_validator_has_its_words():
    codes = _codes_in(Path(scheduler.__file__).parent / "check.py")
    assert {"overlap", "closed", "print_transit", "online_window"} <= codes  # the reading works
    assert codes - {"schedule_shape"} <= set(problems.REASONS)  # a new check gets its sentence


def test_a_print_that_cannot_travel_in_time_is_said_with_the_places_and_days(fest):
    namer = problems.Namer.for_edition(fest["edition"])
    a = fest["films"]["a"]
    here = scheduler.Screening(at_minute(2, 10), "dome", f"e{a.id}", 1)
    there = scheduler.Screening(at_minute(3, 10), "giant", f"e{a.id}", 1)
    params = {"city_a": "hefei", "city_b": "home", "days_needed": 2, "days": 1}
    v = scheduler.Violation("prints", "...", "print_transit", here.film, (here, there), 1, params)
    assert namer.problem(v).message == (
        "“Film A”, Dome, Wed, Apr 2 10:00: print 1 of “Film A” is in Hefei until Wed, Apr 2; Museum can have "
        "it from Fri, Apr 4 (2 days of transit), not on Thu, Apr 3."
    )
    with force_locale("zh"):
        assert "2 天" in str(namer.problem(v).message)


def at_minute(day: int, hour: int) -> int:
    """A local wall-clock time of April 2031 as the scheduler's absolute minute."""
    return date(2031, 4, day).toordinal() * scheduler.DAY + hour * 60
