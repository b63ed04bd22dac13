"""Bad instance files give a message naming the field; the CLI exits 2 without a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import changed, pins, problems_of, raw

from scheduler.read import InstanceError, parse_instance

ROOT = Path(__file__).resolve().parents[2]


def errors_of(data) -> list[str]:
    with pytest.raises(InstanceError) as err:
        parse_instance(data)
    return err.value.errors


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        (
            ("films", 0, "runtime_minutes"),
            -3,
            "films[0].runtime_minutes: must be a positive integer",
            "not_positive_integer",
        ),
        (("films", 0, "runtime_minutes"), "30", "films[0].runtime_minutes", "not_positive_integer"),
        (
            ("theaters", 0, "seats"),
            0,
            "theaters[0].seats: must be a positive integer",
            "not_positive_integer",
        ),
        (("theaters", 0, "start_step_minutes"), 0, "theaters[0].start_step_minutes", "not_positive_integer"),
        (
            ("theaters", 0, "changeover_minutes"),
            -1,
            "theaters[0].changeover_minutes",
            "not_non_negative_integer",
        ),
        (("theaters", 0, "venue"), "nowhere", "theaters[0].venue: unknown venue", "unknown_reference"),
        (("films", 1, "id"), "a", "films[1].id: duplicates", "duplicate_id"),
        (("films", 1, "id"), "", "films[1].id", "not_string"),
        (("films", 0, "min_screenings"), 5, "films[0].min_screenings", "min_above_max"),
        (("films", 0, "popularity"), -1, "films[0].popularity", "not_non_negative_number"),
        (("films", 0, "format"), "vhs", "films[0].format", "unknown_format"),
        (("venues", 0, "hours", "tue"), [["12:00", "10:00"]], "venues[0].hours.tue[0]", "interval_reversed"),
        (("venues", 0, "hours", "tue"), [["10:00", "10:00"]], "venues[0].hours.tue[0]", "interval_empty"),
        (("venues", 0, "hours", "tue"), [["22:00", "25:00"]], "venues[0].hours.tue[0]", "bad_clock"),
        (
            ("venues", 0, "hours", "tue"),
            [["10:00", "12:00"], ["11:00", "13:00"]],
            "venues[0].hours.tue[1]",
            "intervals_overlap",
        ),
        (
            ("theaters", 0, "unavailable"),
            [{"start": "2021-04-06T11:00", "end": "2021-04-06T10:00"}],
            "theaters[0].unavailable[0].end",
            "ends_before_start",
        ),
        (("weights", "day", "sat"), "high", "weights.day.sat", "not_non_negative_number"),
    ],
)
def test_each_malformed_field_is_named(path, value, field, code):
    assert any(field in e for e in errors_of(changed(path, value)))
    problems = problems_of(changed(path, value))
    assert any(p.path == field.split(":")[0] and p.code == code for p in problems), problems


def test_unknown_and_duplicate_pins_are_rejected():
    data = raw(
        fixed=pins(
            "a big 2021-04-06T10:00",
            "a big 2021-04-06T10:00",
            "ghost big 2021-04-06T10:00",
        ),
        previous=[{"film": "a", "theater": "big", "start": "soon"}],
    )
    errors = errors_of(data)
    assert any(e.startswith("fixed[1]: duplicates fixed[0]") for e in errors)
    assert any(e.startswith("fixed[2].film: unknown film") for e in errors)
    assert any(e.startswith("previous[0].start") for e in errors)


def test_closing_at_midnight_is_allowed():
    parse_instance(changed(("venues", 0, "hours", "tue"), [["20:00", "24:00"]]))


def test_film_no_theater_can_show_is_a_warning_not_an_error():
    data = raw()
    data["films"].append(
        {"id": "c", "title": "C", "format": "scifi", "runtime_minutes": 90, "requires": ["imax"]}
    )
    inst = parse_instance(data)
    assert any("no theater can show format scifi with features imax" in w for w in inst.warnings)


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_cli_exits_2_on_a_bad_file_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(changed(("films", 0, "runtime_minutes"), -3)))
    result = run_cli("solve", str(bad), "--time-limit", "0")
    assert result.returncode == 2
    assert "films[0].runtime_minutes: must be a positive integer" in result.stderr
    assert "Traceback" not in result.stderr
    notjson = tmp_path / "broken.json"
    notjson.write_text("{ nope")
    result = run_cli("validate", str(notjson), str(notjson))
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_cli_validate_exits_1_on_an_invalid_schedule(tmp_path):
    inst = tmp_path / "i.json"
    inst.write_text(json.dumps(raw()))
    sched = tmp_path / "s.json"
    sched.write_text(
        json.dumps({"screenings": [{"film": "zz", "theater": "big", "start": "2021-04-06T10:00"}]})
    )
    result = run_cli("validate", str(inst), str(sched))
    assert result.returncode == 1
    assert "known ids" in result.stdout and "Traceback" not in result.stderr


def test_scheduler_never_imports_flask_or_festival():
    code = (
        "import sys, scheduler, scheduler.engine, scheduler.model, scheduler.explain, scheduler.__main__; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'festival')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_web_app_imports_scheduler_names_from_the_package_only():
    """festival/ uses the public API (scheduler/__init__.py), so modules inside scheduler/ can move."""
    import ast

    offending = []
    for path in sorted((ROOT / "festival").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offending += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("scheduler.")]
    assert offending == []
