"""A refused move or addition offers the nearest valid starts: the theater asked for first, then the other
theaters that can show the film; each is valid under the scheduler's validator and one click away."""

from __future__ import annotations

import re

import pytest

import scheduler
from festival import localtime
from festival.extensions import db
from festival.models import Screening
from festival.schedule import adapter, edits, versions
from tests.schedule.conftest import at

FORM = re.compile(r'<form method="post" action="([^"]+)" class="suggestion">(.*?)</form>', re.S)
FIELD = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')


def _screening(draft, entry) -> Screening:
    return next(s for s in draft.screenings if s.entry_id == entry.id)


def _refused(action):
    with pytest.raises(versions.EditRejected) as caught:
        action()
    db.session.rollback()
    return caught.value


def _valid_with(draft, edition, place, *, instead_of: Screening | None = None) -> bool:
    """The whole draft, with the suggestion in place (of the moved screening), under the validator."""
    rows = adapter.screenings_to_schedule(draft)
    if instead_of is not None:
        gone = {"film": adapter.film_id(instead_of.entry_id), "theater": adapter.theater_ids(
            adapter.edition_theaters(edition))[instead_of.theater_id],
            "start": adapter.local_text(instead_of.start, edition)}  # fmt: skip
        rows.remove(gone)
    rows.append(place)
    instance = adapter.parse(adapter.build_instance(edition, base_version=draft))
    return scheduler.check_json(instance, {"screenings": rows}).valid


def _place(suggestion, entry, edition) -> dict:
    tid = adapter.theater_ids(adapter.edition_theaters(edition))[suggestion.theater.id]
    return {
        "film": adapter.film_id(entry.id),
        "theater": tid,
        "start": adapter.local_text(suggestion.start, edition),
    }


def test_a_refused_move_offers_the_three_nearest_valid_starts_in_the_same_theater(fest, draft):
    b = _screening(draft, fest["films"]["b"])
    wanted = at(2, 10, 30)  # inside Film A's changeover
    refusal = _refused(
        lambda: edits.move_screening(b, theater=fest["dome"], start=wanted, actor=None, lock=None)
    )
    found = refusal.suggestions
    assert len(found) == 3 and {s.theater.id for s in found} == {fest["dome"].id}
    distances = [abs((s.start - wanted).total_seconds()) for s in found]
    assert distances == sorted(distances) and found[0].start == at(2, 10, 45)
    assert b.start not in {s.start for s in found}  # where it is now is no suggestion
    for s in found:
        assert _valid_with(
            draft, fest["edition"], _place(s, fest["films"]["b"], fest["edition"]), instead_of=b
        )
        assert s.attendance == edits.check_edit(draft).value(
            edits.Placement(b.entry_id, s.theater.id, s.start), fest["edition"]
        )


def test_a_theater_that_cannot_show_the_film_gives_the_nearest_starts_in_those_that_can(fest, draft):
    c = fest["films"]["a"]  # a dome film, asked for in the giant screen theater
    refusal = _refused(
        lambda: edits.add_screening(
            draft, entry=c, theater=fest["giant"], start=at(4, 14), actor=None, lock=None
        )
    )
    found = refusal.suggestions
    assert found and {s.theater.id for s in found} <= {fest["dome"].id, fest["dome2"].id}
    assert found[0].start == at(4, 14)  # the same time in a dome
    for s in found:
        assert _valid_with(draft, fest["edition"], _place(s, c, fest["edition"]))


def test_a_pinned_screening_gets_no_suggestion(fest, draft):
    a = _screening(draft, fest["films"]["a"])
    edits.set_pinned(a, True, actor=None, lock=None)
    db.session.commit()
    refusal = _refused(
        lambda: edits.move_screening(a, theater=fest["dome"], start=at(2, 14), actor=None, lock=None)
    )
    assert refusal.suggestions == []


def test_one_click_takes_a_suggestion(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    b = _screening(draft, fest["films"]["b"])
    url = f"/staff/timetable/versions/{draft.id}/screenings/{b.id}"
    refused = client.post(url, data={"theater": fest["dome"].id, "day": "2031-04-02", "start": "10:30",
                                     "lock": draft.version})  # fmt: skip
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The nearest valid starts" in page and 'name="csrf_token"' in page
    action, inner = FORM.findall(page)[0]
    fields = dict(FIELD.findall(inner))
    assert fields["start"] == "10:45" and fields["day"] == "2031-04-02"
    taken = client.post(action, data={k: v for k, v in fields.items() if k != "csrf_token"})
    assert taken.status_code == 303
    db.session.expire_all()
    assert (
        localtime.wall_clock(db.session.get(Screening, b.id).start, fest["edition"]).strftime("%H:%M")
        == "10:45"
    )


def test_a_refused_addition_offers_starts_that_add_the_same_film(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/screenings/new"
    data = {"entry": fest["films"]["zh"].id, "theater": fest["dome"].id, "day": "2031-04-02"}
    data.update(start="10:15", lock=draft.version)
    page = client.post(url, data=data).get_data(as_text=True)
    action, inner = FORM.findall(page)[0]
    fields = dict(FIELD.findall(inner))
    assert fields["entry"] == str(fest["films"]["zh"].id)
    assert client.post(action, data=fields).status_code == 303
    db.session.expire_all()
    assert any(
        s.entry_id == fest["films"]["zh"].id for s in versions.current_draft(fest["edition"]).screenings
    )


def test_each_suggestion_passes_scheduler_validate_on_the_command_line(fest, draft, tmp_path):
    import json
    import subprocess
    import sys

    b = _screening(draft, fest["films"]["b"])
    refusal = _refused(
        lambda: edits.move_screening(b, theater=fest["dome"], start=at(2, 10, 30), actor=None, lock=None)
    )
    instance = tmp_path / "instance.json"
    instance.write_text(json.dumps(adapter.build_instance(fest["edition"], base_version=draft)))
    assert len(refusal.suggestions) == 3
    for i, s in enumerate(refusal.suggestions):
        rows = [r for r in adapter.screenings_to_schedule(draft) if r["film"] != adapter.film_id(b.entry_id)]
        rows.append(_place(s, fest["films"]["b"], fest["edition"]))
        schedule = tmp_path / f"schedule{i}.json"
        schedule.write_text(json.dumps({"format": scheduler.SCHEDULE_FORMAT, "screenings": rows}))
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "validate", str(instance), str(schedule)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
