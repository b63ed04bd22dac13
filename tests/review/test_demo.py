"""The review demo builds panels, a conflict, assignments and a review once."""

from __future__ import annotations

import sqlalchemy as sa

from festival.demo.services import load_demo
from festival.editions import open_editions
from festival.extensions import db
from festival.models import Assignment, Conflict, Panel, Review
from festival.review.demo import load_review_demo


def test_review_demo_sets_up_the_open_edition_once(app, client, auth):
    load_demo()  # calls load_review_demo for the open edition
    db.session.commit()
    edition = open_editions()[0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Panel)) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Conflict)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Review)) == 1
    assignments = db.session.scalar(sa.select(sa.func.count()).select_from(Assignment))
    assert assignments >= 3
    assert load_review_demo(edition) is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assignment)) == assignments
    auth.login("curator1@demo.festival", "Science-Screen-2021")
    page = client.get("/review/").get_data(as_text=True)
    assert "Northern Lights Above Us" in page
