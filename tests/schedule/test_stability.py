"""A re-solve after publication keeps the public programme: a published screening moves only when the move
gains more than the move cost (the demand settings' change_penalty, adapter.DEFAULT_MOVE_COST by default)."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import SolveRun, TimetableVersion
from festival.models.enums import RunStatus, VersionStatus
from festival.schedule import adapter, changelog, publishing, runs
from festival.submissions.services import withdraw_from_programme
from tests.schedule.conftest import at, screen

# mornings are worth half: a published morning screening gains by moving to the afternoon
MORNINGS_HALF = {"hour": [["09:00", "12:00", 0.5], ["12:00", "18:00", 1.0]], "shortfall_penalty": 100000}


def _published_mornings(tiny) -> TimetableVersion:
    """Version 1 of the tiny edition: every film twice, all in the mornings of Thu 3 and Fri 4 April."""
    edition = tiny["edition"]
    edition.schedule_weights = dict(MORNINGS_HALF)
    version = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    star, ocean, ride, deep = tiny["films"]
    for day in (3, 4):
        screen(version, star, tiny["dome"], at(day, 9, 30))
        screen(version, ocean, tiny["dome"], at(day, 10, 30))
        screen(version, ride, tiny["4d"], at(day, 9, 30))
        screen(version, deep, tiny["4d"], at(day, 10, 0))
    db.session.commit()
    publishing.publish(version, actor=None, lock=version.version, accept_warnings=True)
    db.session.commit()
    return version


def _resolve(tiny, move_cost: int | None) -> tuple[SolveRun, TimetableVersion]:
    edition = tiny["edition"]
    weights = dict(edition.schedule_weights)
    weights.pop("change_penalty", None)
    if move_cost is not None:
        weights["change_penalty"] = move_cost
    edition.schedule_weights = weights
    run = runs.start_run(edition, actor=tiny["staff"], time_limit=3)
    db.session.commit()
    assert runs.execute_run(run.id) in (RunStatus.FINISHED, RunStatus.STOPPED)
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    return run, db.session.get(TimetableVersion, run.result_version_id)


def test_a_resolve_with_the_default_move_cost_keeps_every_published_screening(tiny):
    published = _published_mornings(tiny)
    deep = tiny["films"][3]
    withdraw_from_programme(deep, actor=tiny["staff"])
    db.session.commit()

    run, draft = _resolve(tiny, None)

    assert run.move_cost == adapter.DEFAULT_MOVE_COST
    counts = changelog.change_counts(published, draft)
    assert counts.moved == 0
    assert counts.removed == 2  # the withdrawn film's screenings, nothing else
    kept = {(s.entry_id, s.theater_id, s.start) for s in draft.screenings}
    others = [s for s in published.screenings if s.entry_id != deep.id]
    assert all((s.entry_id, s.theater_id, s.start) in kept for s in others)
    assert not any(s.entry_id == deep.id for s in draft.screenings)


def test_without_a_move_cost_the_same_resolve_moves_published_screenings(tiny):
    # the contrast that shows the test above can fail: at cost 0 the afternoons are worth the moves
    published = _published_mornings(tiny)
    _run, draft = _resolve(tiny, 0)
    assert changelog.change_counts(published, draft).moved > 0


def test_a_screening_moves_only_when_the_move_gains_more_than_its_cost(tiny):
    # "Starry Sky" (popularity 300) gains 150 a screening in the afternoon, "Ocean Dome" (200) gains 100, the
    # 4D films (120 seats) 45 at most: at a cost of 120 only Starry Sky moves
    published = _published_mornings(tiny)
    _run, draft = _resolve(tiny, 120)
    moved = {c.entry.id for c in changelog.diff_versions(published, draft).moved}
    assert moved == {tiny["films"][0].id}


def test_the_run_pages_show_the_move_cost_before_and_the_changes_after(client, auth, tiny):
    published = _published_mornings(tiny)
    auth.login_as(tiny["staff"])
    form = client.get(f"/staff/timetable/runs?edition={tiny['edition'].slug}").get_data(as_text=True)
    assert "Move cost in force: 1,000." in form and "version 1" in form
    client.post(
        f"/staff/timetable/runs?edition={tiny['edition'].slug}",
        data={"time_limit": "2", "keep_pins": "y", "base_version": "0"},
    )
    run = db.session.scalars(sa.select(SolveRun).order_by(SolveRun.id.desc())).first()
    db.session.refresh(run)
    counts = changelog.change_counts(published, run.result_version)
    page = client.get(f"/staff/timetable/runs/{run.id}").get_data(as_text=True)
    assert "Against the public version 1:" in page
    assert f"{counts.added} added" in page and f"{counts.moved} moved" in page
    assert "1,000 expected visitors per published screening moved or dropped" in page
    home = client.get(f"/staff/timetable/?edition={tiny['edition'].slug}").get_data(as_text=True)
    assert f'data-draft="{run.result_version.draft_number}"' in home
