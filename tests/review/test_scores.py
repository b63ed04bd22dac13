"""Scoring: drafts, submission, who sees whose scores, the ranking's figures, and the audit trail."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from festival.audit import history
from festival.errors import InvalidInput, NotAllowed
from festival.extensions import db
from festival.models import Review
from festival.models.enums import EditionStatus, ReviewStatus
from festival.review import queries, services
from tests.conftest import csrf_token, log_in
from tests.review.conftest import SCORES, submit

FORM = {f"score_{k}": str(v) for k, v in SCORES.items()}


def test_curator_sees_other_scores_only_after_submitting_their_own(world, client, auth):
    submit(world.e1, world.curator, scores=dict(SCORES, audience_appeal=3), comment="Stunning aurora footage")
    auth.login_as(world.lead)
    page = client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    assert "Stunning aurora footage" not in page and "Daniel Ortiz" not in page
    assert "appear here after you submit your own review" in page

    # A draft does not unlock the panel's scores.
    client.post(
        f"/review/entries/{world.e1.id}",
        data={"score_artistic_quality": "5", "version": 0, "save_draft": "y"},
    )
    assert "Stunning aurora footage" not in client.get(f"/review/entries/{world.e1.id}").get_data(
        as_text=True
    )

    version = queries.review_of(world.e1, world.lead).version
    response = client.post(
        f"/review/entries/{world.e1.id}", data={**FORM, "version": version, "submit_review": "y"}
    )
    assert response.status_code == 303
    page = client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    assert "Stunning aurora footage" in page and "Daniel Ortiz" in page


def test_ranking_hides_scores_from_curators_until_they_review_but_not_from_staff(world, client, auth):
    submit(world.e1, world.curator)
    lead_rows = {r.entry.id: r for r in queries.ranking(world.lead, world.edition)}
    assert lead_rows[world.e1.id].mean is None and not lead_rows[world.e1.id].scores_visible
    staff_rows = {r.entry.id: r for r in queries.ranking(world.staff, world.edition)}
    assert staff_rows[world.e1.id].mean == pytest.approx((8 * 1.5 + 7 + 9 + 6) / 4.5)

    auth.login_as(world.lead)
    rows = list(
        csv.reader(io.StringIO(client.get("/review/ranking.csv").get_data(as_text=True).lstrip("\ufeff")))
    )
    e1_row = next(r for r in rows if r[1] == world.e1.reference)
    assert e1_row[11] == ""  # the mean score column stays empty for the lead

    submit(world.e1, world.lead)
    lead_rows = {r.entry.id: r for r in queries.ranking(world.lead, world.edition)}
    assert lead_rows[world.e1.id].mean is not None


def test_ranking_reports_mean_spread_reviews_missing_and_flags_disagreement(world):
    services.assign(world.e1, world.lead, actor=world.staff)
    services.assign(world.e1, world.curator, actor=world.staff)
    services.assign(world.e1, world.outsider, actor=world.staff)
    low = dict.fromkeys(SCORES, 2)
    high = dict.fromkeys(SCORES, 8)
    submit(world.e1, world.lead, scores=low)
    submit(world.e1, world.curator, scores=high)
    row = next(r for r in queries.ranking(world.staff, world.edition) if r.entry.id == world.e1.id)
    assert (row.reviews, row.assigned, row.missing) == (2, 3, 1)
    assert row.mean == pytest.approx(5.0) and row.spread == pytest.approx(3.0)
    assert row.disagrees(2.0) and not row.disagrees(3.5)


def test_ranking_sorts_by_column_with_hidden_scores_last(world, client, auth):
    submit(world.e1, world.curator, scores=dict.fromkeys(SCORES, 3))
    submit(world.e3, world.curator, scores=dict.fromkeys(SCORES, 9))
    best_first = [r.entry.id for r in queries.ranking(world.staff, world.edition, sort="score")]
    assert best_first == [world.e3.id, world.e1.id, world.e2.id]
    worst_first = [
        r.entry.id for r in queries.ranking(world.staff, world.edition, sort="score", descending=False)
    ]
    assert worst_first == [world.e1.id, world.e3.id, world.e2.id]
    auth.login_as(world.staff)
    page = client.get(f"/review/ranking?edition={world.edition.id}&sort=reference&dir=asc").get_data(
        as_text=True
    )
    assert page.index(world.e1.reference) < page.index(world.e2.reference) < page.index(world.e3.reference)


def test_submitting_needs_every_score_in_range(world, client, auth):
    auth.login_as(world.lead)
    data = {
        **FORM,
        "score_audience_appeal": "",
        "score_technical_quality": "11",
        "version": 0,
        "submit_review": "y",
    }
    response = client.post(f"/review/entries/{world.e1.id}", data=data)
    assert response.status_code == 422
    assert "Give a score from 1 to 10." in response.get_data(as_text=True)
    assert queries.review_of(world.e1, world.lead) is None
    with pytest.raises(InvalidInput) as info:
        services.save_review(
            world.e1, curator=world.lead, scores=dict(SCORES, audience_appeal=None), comment=None,
            private_note=None, submit=True, expected_version=0,
        )  # fmt: skip
    assert "audience_appeal" in info.value.errors


def test_private_note_is_seen_by_its_author_only(world, client, auth):
    services.save_review(
        world.e1, curator=world.curator, scores=SCORES, comment="For the panel", private_note="Ask about 8K",
        submit=True, expected_version=0,
    )  # fmt: skip
    db.session.commit()
    submit(world.e1, world.lead)
    auth.login_as(world.lead)
    assert "Ask about 8K" not in client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    auth.login_as(world.staff)
    assert "Ask about 8K" not in client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    auth.login_as(world.curator)
    assert "Ask about 8K" in client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)


def test_every_score_change_is_audited_and_shown_to_staff(world, client, auth):
    review = submit(world.e1, world.curator)
    services.save_review(
        world.e1, curator=world.curator, scores=dict(SCORES, artistic_quality=4), comment=None,
        private_note=None, submit=True, expected_version=review.version,
    )  # fmt: skip
    db.session.commit()
    changes = [e for e in history(review) if e.field == "scores"]
    assert len(changes) == 2
    assert '"artistic_quality": 7' in changes[1].old_value and '"artistic_quality": 4' in changes[1].new_value
    assert all(e.actor_id == world.curator.id for e in changes)
    auth.login_as(world.staff)
    page = client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    trail = page.split("History")[1]
    assert "Review saved" in trail and "Artistic quality: 4" in trail  # the rubric's words
    assert "review.save" not in trail and "&#34;" not in trail and "artistic_quality" not in trail
    auth.login_as(world.lead)
    assert "Review saved" not in client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)


def test_reviews_close_when_the_decision_is_released(world):
    from festival.review import decisions

    decision = decisions.save_decision(
        world.e1, decisions.DecisionInput(outcome="rejected"), actor=world.staff, expected_version=0
    )
    world.edition.status = EditionStatus.REVIEW  # releasing needs the call closed
    decisions.release_decisions(world.edition, [decision.id], actor=world.staff)
    db.session.commit()
    with pytest.raises(NotAllowed):
        services.save_review(
            world.e1, curator=world.lead, scores=SCORES, comment=None, private_note=None, submit=True,
            expected_version=0,
        )  # fmt: skip


def test_curator_watches_the_screener_and_sees_the_details(world, client, auth):
    auth.login_as(world.lead)
    page = client.get(f"/review/entries/{world.e1.id}").get_data(as_text=True)
    assert 'href="https://vimeo.example/123"' in page and "aurora-2021" in page
    assert 'href="https://video.example/trailer"' in page
    assert "Polaris Dome Studios" in page and "Germany" in page


def test_review_form_posts_with_a_real_csrf_token(csrf_world, csrf_client):
    world = csrf_world
    log_in(csrf_client, world.lead)
    url = f"/review/entries/{world.e1.id}"
    token = csrf_token(csrf_client, url)
    response = csrf_client.post(url, data={**FORM, "csrf_token": token, "version": 0, "submit_review": "y"})
    assert response.status_code == 303
    review = db.session.scalar(sa.select(Review).where(Review.curator_id == world.lead.id))
    assert review.status == ReviewStatus.SUBMITTED and review.scores == SCORES
    assert (
        csrf_client.post(url, data={**FORM, "version": review.version, "submit_review": "y"}).status_code
        == 400
    )
