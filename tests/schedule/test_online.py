"""The online edition: staff switch an edition (or part of it) online; every entry, review and decision
stays as it was, and a run makes the new draft with online windows."""

from __future__ import annotations

import sqlalchemy as sa

from festival.extensions import db
from festival.models import Decision, Entry, Event, Review, Screening, SolveRun, Theater, TimetableVersion
from festival.models.enums import ReviewStatus, Role, RunStatus
from festival.schedule import adapter


def _snapshot() -> dict:
    """Every entry, review and decision with what they say."""
    entries = db.session.execute(
        sa.select(Entry.id, Entry.status, Entry.title_en, Entry.format, Entry.runtime_minutes).order_by(
            Entry.id
        )
    ).all()
    reviews = db.session.execute(
        sa.select(Review.id, Review.entry_id, Review.status, Review.scores, Review.comment).order_by(
            Review.id
        )
    ).all()
    decisions = db.session.execute(
        sa.select(Decision.id, Decision.entry_id, Decision.outcome, Decision.min_screenings,
                  Decision.max_screenings, Decision.popularity, Decision.prints).order_by(Decision.id)
    ).all()  # fmt: skip
    return {"entries": entries, "reviews": reviews, "decisions": decisions}


def test_switching_online_keeps_every_entry_review_and_decision_and_makes_a_draft(client, auth, tiny, make):
    curator = make.user(role=Role.CURATOR)
    for entry in tiny["films"]:
        db.session.add(Review(entry_id=entry.id, curator_id=curator.id, status=ReviewStatus.SUBMITTED,
                              scores={"science": 8}, comment=f"About {entry.title_en}"))  # fmt: skip
    db.session.commit()
    before = _snapshot()
    assert len(before["entries"]) == 4 and len(before["reviews"]) == 4 and len(before["decisions"]) == 4

    auth.login_as(tiny["staff"])
    edition = tiny["edition"]
    response = client.post(
        f"/admin/editions/{edition.slug}/online",
        data={"mode": "online", "channels": "2", "window_hours": "24", "tickets": "1200",
              "stream_formats": ["dome", "documentary"]},
    )  # fmt: skip

    assert response.status_code == 303
    db.session.expire_all()
    assert _snapshot() == before
    run = db.session.scalars(sa.select(SolveRun).order_by(SolveRun.id.desc())).first()
    assert response.headers["Location"].endswith(f"/staff/timetable/runs/{run.id}")
    assert run.status == RunStatus.FINISHED and run.keep_pins is False
    channels = db.session.scalars(sa.select(Theater).where(Theater.online.is_(True))).all()
    assert [(c.code, c.window_minutes, c.seats) for c in channels] == [
        ("ch1", 1440, 1200),
        ("ch2", 1440, 1200),
    ]
    draft = db.session.get(TimetableVersion, run.result_version_id)
    shown = db.session.scalars(sa.select(Screening).where(Screening.timetable_id == draft.id)).all()
    assert shown and all(s.theater.online for s in shown)  # the rooms are closed for the whole window
    assert all((s.end - s.start).total_seconds() == 24 * 3600 for s in shown)  # a window, not a runtime
    assert {s.entry.format.value for s in shown} == {"dome"}  # 4D films cannot stream
    assert adapter.check_version(draft).valid
    blocks = db.session.scalars(sa.select(Event).where(Event.title == "Closed: the edition is online")).all()
    assert len(blocks) == 2  # one per room

    # back to hybrid: the rooms open again, the entries still untouched
    response = client.post(
        f"/admin/editions/{edition.slug}/online",
        data={"mode": "hybrid", "channels": "1", "window_hours": "48", "tickets": "800",
              "stream_formats": ["dome"]},
    )  # fmt: skip
    assert response.status_code == 303
    db.session.expire_all()
    assert _snapshot() == before
    assert (
        db.session.scalars(sa.select(Event).where(Event.title == "Closed: the edition is online")).all() == []
    )


def test_4d_cannot_stream_and_the_form_says_so(client, auth, tiny):
    auth.login_as(tiny["staff"])
    url = f"/admin/editions/{tiny['edition'].slug}/online"
    assert client.get(url).status_code == 200
    response = client.post(
        url, data={"mode": "hybrid", "channels": "1", "window_hours": "24", "tickets": "100",
                   "stream_formats": ["dome", "4d"]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "4D films cannot stream" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Theater).where(Theater.online.is_(True))).all() == []
    assert db.session.scalars(sa.select(SolveRun)).all() == []
