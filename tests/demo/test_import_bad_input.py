"""`flask demo import-instance` and the other commands that read a file answer bad input with the field and
exit status 2: no traceback, nothing written (issue 15 item 11)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from festival.extensions import db
from festival.models import Decision, Edition, Entry, Screening, Theater, TimetableVersion, Venue
from tests.jsonplaces import put_at

SMALL = Path(__file__).resolve().parents[2] / "data" / "instances" / "small.json"
OWNER = "archive@example.org"


def _small() -> dict:
    return json.loads(SMALL.read_text(encoding="utf-8"))


def _changed(change) -> str:
    data = copy.deepcopy(_small())
    change(data)
    return json.dumps(data, ensure_ascii=False)


def _rename_theater(data: dict, new: str) -> None:
    old = data["theaters"][0]["id"]
    data["theaters"][0]["id"] = new
    for pin in data.get("fixed") or []:
        if pin["theater"] == old:
            pin["theater"] = new


SEATS = '"seats": 438'
BAD_FILES = {
    # the review's list
    "nested JSON": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "an integer of 5,000 digits": (
        _changed(lambda d: None).replace(SEATS, '"seats": ' + "9" * 5000),
        "digits",
    ),
    "a weight of 1e308": (_changed(lambda d: d.update(weights={"day": {"mon": 1e308}})), "weights.day.mon"),
    "a list": ("[]", "must be an object"),
    "null": ("null", "must be an object"),
    "a bad timezone": (
        _changed(lambda d: d["festival"].update(timezone="Mars/Olympus")),
        "festival.timezone",
    ),
    "no festival name": (_changed(lambda d: d["festival"].pop("name")), "festival.name"),
    "not_before after not_after": (
        _changed(lambda d: d["films"][0].update(not_before="2021-04-19", not_after="2021-04-06")),
        "films[0].not_after",
    ),
    "runtime 10^15": (
        _changed(lambda d: d["films"][0].update(runtime_minutes=10**15)),
        "films[0].runtime_minutes",
    ),
    "seats 10^30": (_changed(lambda d: d["theaters"][0].update(seats=10**30)), "theaters[0].seats"),
    "NaN seats": (_changed(lambda d: None).replace(SEATS, '"seats": NaN'), "theaters[0].seats"),
    # ids where they enter: what the reader accepts, the import refuses outside the safe patterns
    "a theater id with a quote and CRLF": (
        _changed(lambda d: _rename_theater(d, 'do"me\r\nX')),
        "theaters[0].id",
    ),
    "a theater id with a quote": (_changed(lambda d: _rename_theater(d, 'do"me')), "theaters[0].id"),
    "an upper-case venue id": (
        _changed(
            lambda d: [d["venues"][0].update(id="CSTM"), *(t.update(venue="CSTM") for t in d["theaters"])]
        ),
        "venues[0].id",
    ),
    "a film id with quotes": (_changed(lambda d: d["films"][0].update(id="f'1\"")), "films[0].id"),
    "a feature with a space": (
        _changed(lambda d: d["theaters"][0].update(features=["full dome"])),
        "features[0]",
    ),
    # names longer than the columns that keep them (fine for the reader, 500 characters)
    "a title of 450 characters": (
        _changed(lambda d: d["films"][0].update(title="x" * 450)),
        "films[0].title",
    ),
    "a venue name of 480 characters": (
        _changed(lambda d: d["venues"][0].update(name="n" * 480)),
        "venues[0].name",
    ),
    # files that are not JSON text
    "a byte-order mark": ("\ufeff" + SMALL.read_text(encoding="utf-8"), "not valid JSON"),
}


@pytest.fixture
def owner(make):
    user = make.user(email=OWNER)
    db.session.commit()
    return user


def _nothing_written() -> None:
    for model in (Edition, Venue, Theater, Entry, Decision, TimetableVersion, Screening):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model.__name__


def _refused(result, *expected: str) -> None:
    """Exit status 2, a message naming what is wrong, no traceback."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # click's exit, not an escaped error
    assert "Traceback" not in result.output
    for text in expected:
        assert text in result.output, result.output


@pytest.mark.parametrize("text, field", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_instance_file_is_refused_with_its_field_and_status_2(runner, owner, tmp_path, text, field):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["demo", "import-instance", str(path), "--slug", "bad", "--owner", OWNER])
    _refused(result, field)
    _nothing_written()


def test_a_file_that_is_not_utf8_is_refused(runner, owner, tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"festival": {"name": "Fête"}}'.encode("latin-1"))
    result = runner.invoke(args=["demo", "import-instance", str(path), "--slug", "bad", "--owner", OWNER])
    _refused(result, "cannot be read")
    _nothing_written()


@pytest.mark.parametrize(
    "options, field",
    [
        (["--slug", "../etc", "--owner", OWNER], "--slug"),
        (["--slug", 'a"b', "--owner", OWNER], "--slug"),
        (["--slug", "x" * 65, "--owner", OWNER], "--slug"),
        (["--slug", "ok", "--owner", "nobody@example.org"], "--owner"),
        (["--slug", "ok", "--owner", "not an address"], "--owner"),
        (["--slug", "ok", "--owner", OWNER, "--time-limit", "10" * 400], "--time-limit"),
        (["--slug", "ok", "--owner", OWNER, "--time-limit", "0"], "--time-limit"),
    ],
)
def test_bad_options_are_refused_with_status_2(runner, owner, options, field):
    result = runner.invoke(args=["demo", "import-instance", str(SMALL), *options])
    _refused(result, field)
    _nothing_written()


def test_names_are_imported_as_one_line_without_invisible_characters(runner, owner, tmp_path):
    def change(data):
        data["films"][0]["title"] = "Ice\u202e Coral\nPart 2"
        data["theaters"][0]["name"] = "Dome\u200b Theater"

    path = tmp_path / "names.json"
    path.write_text(_changed(change), encoding="utf-8")
    result = runner.invoke(args=["demo", "import-instance", str(path), "--slug", "names", "--owner", OWNER])
    assert result.exit_code == 0, result.output
    titles = set(db.session.scalars(sa.select(Entry.title_en)))
    assert "Ice Coral Part 2" in titles
    assert "Dome Theater" in set(db.session.scalars(sa.select(Theater.name)))


def test_backup_restore_of_a_missing_or_foreign_file_is_refused_with_status_2(runner, tmp_path):
    missing = runner.invoke(args=["backup", "restore", "--yes", str(tmp_path / "none.sqlite3")])
    _refused(missing, "does not exist")
    foreign = tmp_path / "foreign.sqlite3"
    foreign.write_text("not a database")
    result = runner.invoke(args=["backup", "restore", "--yes", str(foreign)])
    _refused(result, "is not a", "backup")  # a SQLite or a PostgreSQL backup, as the test database is


def test_backup_create_where_nothing_can_be_written_is_refused_with_status_2(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = runner.invoke(args=["backup", "create", str(blocker / "backup.sqlite3")])
    _refused(result, "cannot write there")


# ---------------------------------------------------------------- fuzzing: any value anywhere

VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(
        ["dome", "cstm", "f0001", "2021-04-06", "2021-04-06T10:00", "Asia/Shanghai", 'a"b\r\n']
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
PLACES = [
    ("festival", "name"), ("festival", "timezone"), ("festival", "first_day"), ("venues", 0, "id"),
    ("venues", 0, "name"), ("venues", 0, "hours"), ("theaters", 0, "id"), ("theaters", 0, "venue"),
    ("theaters", 0, "seats"), ("theaters", 0, "features"), ("theaters", 0, "name"), ("films", 0, "id"),
    ("films", 0, "title"), ("films", 0, "runtime_minutes"), ("films", 0, "not_before"),
    ("films", 1, "requires"), ("weights",), ("fixed",), ("fixed", 0, "theater"),
]  # fmt: skip


def _counts() -> list[int]:
    models = (Edition, Venue, Theater, Entry, Decision, TimetableVersion, Screening)
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in models]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    changes=st.lists(st.tuples(st.sampled_from(PLACES), VALUES), min_size=1, max_size=3), raw=st.booleans()
)
def test_any_value_anywhere_imports_or_is_refused_with_status_2(runner, owner, tmp_path, changes, raw):
    data = put_at(_small(), changes)
    text = json.dumps(data, ensure_ascii=not raw)  # NaN and Infinity included, as Python writes them
    file = tmp_path / "fuzz.json"
    file.write_text(text, encoding="utf-8")
    before = _counts()
    slug = f"fuzz-{len(before) and before[0]}"
    result = runner.invoke(args=["demo", "import-instance", str(file), "--slug", slug, "--owner", OWNER])
    assert result.exit_code in (0, 2), result.output
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert _counts() == before and "\n  " in result.output  # one line per field
