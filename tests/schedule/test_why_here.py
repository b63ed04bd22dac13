"""A screening's "why here" page: its value, the best other starts and what stops each (in words naming
the blocking film), valid moves valid under the scheduler's validator, and the loss of a local re-solve."""

from __future__ import annotations

import sqlalchemy as sa

import scheduler
from festival.extensions import db
from festival.models import Screening
from festival.schedule import adapter, why
from tests.conftest import log_in
from tests.schedule.conftest import at, screen


def _crowded(fest, draft):
    """Film A takes the dome's best afternoon (Saturday 5 April 14:00, weekend and afternoon weights)."""
    screen(draft, fest["films"]["a"], fest["dome"], at(5, 14))
    db.session.commit()
    return db.session.scalar(
        sa.select(Screening).where(
            Screening.timetable_id == draft.id, Screening.entry_id == fest["films"]["b"].id
        )
    )


def test_why_here_names_the_blocking_film_and_offers_valid_moves(fest, draft):
    b = _crowded(fest, draft)
    result = why.why_here(draft, b)
    assert result.attendance == 120  # Wednesday morning, popularity 120
    assert result.places, "other starts are listed"
    blocked = [p for p in result.places if not p.valid]
    assert any("Film A" in r for p in blocked for r in p.reasons)
    valid = [p for p in result.places if p.valid]
    assert valid and max(p.attendance for p in result.places) > result.attendance
    data, instance = adapter.instance_for(fest["edition"], base_version=draft, keep_pins=False)
    rows = adapter.screenings_to_schedule(draft)
    for p in valid:  # applied, each valid move passes the validator
        moved = [r for r in rows if r["film"] != adapter.film_id(b.entry_id)]
        theater = adapter.theater_ids(adapter.edition_theaters(fest["edition"]))[p.theater.id]
        start = adapter.local_text(p.start, fest["edition"])
        moved.append({"film": adapter.film_id(b.entry_id), "theater": theater, "start": start})
        report = scheduler.check_json(instance, {"screenings": moved})
        assert report.valid, report.violations
    assert result.loss is not None and result.loss.attendance >= 0 and result.loss.objective >= 0
    assert result.loss.below_minimum  # B has one screening and a minimum of one


def test_the_page_lists_the_alternatives_with_a_move_button(fest, draft, client):
    b = _crowded(fest, draft)
    log_in(client, fest["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}/screenings/{b.id}/why")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Film A" in html and "Move it here" in html and "expected visitors" in html
    screening_page = client.get(f"/staff/timetable/versions/{draft.id}/screenings/{b.id}").get_data(
        as_text=True
    )
    assert f"/screenings/{b.id}/why" in screening_page


def test_only_staff_and_only_the_versions_own_screenings(fest, draft, client, make):
    b = _crowded(fest, draft)
    log_in(client, make.user(role="curator"))
    assert client.get(f"/staff/timetable/versions/{draft.id}/screenings/{b.id}/why").status_code == 403
    log_in(client, fest["staff"])
    assert client.get(f"/staff/timetable/versions/{draft.id + 999}/screenings/{b.id}/why").status_code == 404
