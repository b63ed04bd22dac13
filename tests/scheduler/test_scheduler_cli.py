"""The command line answers every input with exit status 0, 1 (the schedule breaks a rule) or 2 (a bad file
or argument, the field named), never with a traceback."""

import contextlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from helpers import changed, raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scheduler_read_limits import JSON, PLACES

from scheduler.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
GOOD_SCHEDULE = {"screenings": [{"film": "a", "theater": "big", "start": "2021-04-06T10:00"}]}


def run(*args) -> tuple[int, str, str]:
    """main() in this process: (exit status, stdout, stderr); any exception fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(a) for a in args])
        except SystemExit as exc:  # argparse refuses an argument: status 2 and its usage message
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def write(folder: Path, name: str, content) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.mark.parametrize(
    ("schedule", "status", "said"),
    [
        ([], 2, "(top level): must be an object"),
        (None, 2, "(top level): must be an object"),
        ({"screenings": [{"film": "a", "theater": "big", "start": "soon"}]}, 2, "screenings[0].start"),
        ({"screenings": [{"film": "zz", "theater": "big", "start": "2021-04-06T10:00"}]}, 1, "known ids"),
        (GOOD_SCHEDULE, 0, "valid: 0 violation(s)"),
    ],
)
def test_validate_tells_a_bad_file_from_a_broken_rule(tmp_path, schedule, status, said):
    instance = write(tmp_path, "i.json", raw())
    code, out, err = run("validate", instance, write(tmp_path, "s.json", schedule))
    assert code == status
    assert said in (err if status == 2 else out)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--time-limit", "nan"], "--time-limit: must be a number of seconds"),
        (["--time-limit", "inf"], "--time-limit"),
        (["--time-limit", "-1"], "--time-limit"),
        (["--seed", "-1"], "--seed: must be an integer"),
        (["--seed", str(2**40)], "--seed"),
        (["--workers", "0"], "--workers"),
        (["--out", "/nonexistent/folder/s.json"], "cannot write the schedule"),
    ],
)
def test_bad_arguments_are_refused_with_status_2(tmp_path, args, said):
    code, _out, err = run("solve", write(tmp_path, "i.json", raw()), "--time-limit", "0", "--quiet", *args)
    assert code == 2 and said in err


def test_explain_reports_screenings_of_unknown_films_and_theaters(tmp_path):
    schedule = {
        "screenings": [
            {"film": "ghost", "theater": "big", "start": "2021-04-06T10:00"},
            {"film": "a", "theater": "attic", "start": "2021-04-06T10:00"},
            {"film": "a", "theater": "big", "start": "2021-04-07T10:00"},
        ]
    }
    code, out, _err = run("explain", write(tmp_path, "i.json", raw()), write(tmp_path, "s.json", schedule))
    assert code == 0
    assert "Screenings in the given schedule that the instance does not know: 2" in out
    assert "ghost in big at 2021-04-06T10:00: unknown film 'ghost'" in out
    assert "a in attic at 2021-04-06T10:00: unknown theater 'attic'" in out
    assert "Shortfalls in the given schedule: 1" in out  # b; a has its screening


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    command=st.sampled_from(["solve", "validate", "explain"]),
    changes=st.lists(st.tuples(st.sampled_from(PLACES), JSON), max_size=2),
    schedule=JSON
    | st.just(GOOD_SCHEDULE)
    | st.fixed_dictionaries({"screenings": st.lists(JSON, max_size=3)}),
    text=st.none() | st.sampled_from(["", "{", "[" * 5000, "9" * 5000, b"\xff\xfe{"]),
)
def test_any_file_gives_status_0_1_or_2_and_never_a_traceback(command, changes, schedule, text):
    data = raw()
    for path, value in changes:
        target = data
        with contextlib.suppress(KeyError, IndexError, TypeError):
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        instance = write(Path(folder), "i.json", data if text is None else text)
        sched = write(Path(folder), "s.json", schedule)
        extra = ["--time-limit", "0.2", "--workers", "1", "--quiet"] if command == "solve" else [sched]
        code, _out, err = run(command, instance, *extra)
    assert code in (0, 1, 2)
    assert code != 1 or command == "validate"
    assert "Traceback" not in err


def test_the_real_command_prints_no_traceback(tmp_path):
    cases = [
        ("validate", write(tmp_path, "i.json", raw()), write(tmp_path, "s.json", "null")),
        ("explain", write(tmp_path, "i.json", raw()), write(tmp_path, "l.json", [])),
        ("solve", write(tmp_path, "deep.json", "[" * 100_000), "--time-limit", "0"),
        ("solve", write(tmp_path, "i.json", raw()), "--time-limit", "nan"),
    ]
    for args in cases:
        result = subprocess.run(
            [sys.executable, "-m", "scheduler", *map(str, args)], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and "error" in result.stderr


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
