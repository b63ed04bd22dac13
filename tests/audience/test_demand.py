"""The demand blend: the formula's limits, the staff's table, and a run that records which numbers it used."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from festival.audience import demand, services
from festival.extensions import db
from festival.models import AudienceSettings, Star, VisitorDays
from festival.models.enums import Role
from festival.schedule import runs
from tests.conftest import csrf_token


def test_without_wish_lists_or_visitor_count_the_curators_numbers_stand():
    assert demand.blend(120, 0, screenings=3, wishers=0, visitors=1000, strength=10) == 120
    assert demand.blend(120, 50, screenings=3, wishers=50, visitors=0, strength=10) == 120


def test_few_wishes_keep_the_estimate_and_many_lead():
    # 5 of 10,000 visitors wished: a film with 1 wish or none stays within a tenth of its estimate of 100
    assert 100 < demand.blend(100, 1, screenings=2, wishers=5, visitors=10_000, strength=10) <= 110
    assert 90 <= demand.blend(100, 0, screenings=2, wishers=5, visitors=10_000, strength=10) <= 100
    # 5,000 of 10,000 wished, 3,000 for this film over 2 screenings: the wishes say 3,000 a screening
    many = demand.blend(100, 3000, screenings=2, wishers=5000, visitors=10_000, strength=10)
    assert abs(many - 3000) / 3000 < 0.1
    # and a film nobody wished falls far below its estimate
    assert demand.blend(100, 0, screenings=2, wishers=5000, visitors=10_000, strength=10) < 10


@given(
    estimate=st.integers(0, 1000),
    wishes=st.integers(0, 500),
    extra=st.integers(0, 500),
    wishers=st.integers(1, 2000),
    visitors=st.integers(1, 100_000),
)
def test_more_wishes_never_lower_the_blend(estimate, wishes, extra, wishers, visitors):
    kwargs = {"screenings": 2, "wishers": wishers, "visitors": visitors, "strength": 10}
    assert demand.blend(estimate, wishes + extra, **kwargs) >= demand.blend(estimate, wishes, **kwargs)


@pytest.fixture
def wished(fest, make):
    """1,000 expected visitors; three visitors wish for A (one only on weekends), one for B."""
    edition, films = fest["edition"], fest["films"]
    db.session.add(AudienceSettings(edition_id=edition.id, expected_visitors=1000, prior_strength=1))
    people = [make.user(role=Role.VISITOR) for _ in range(3)]
    for p in people:
        db.session.add(Star(user_id=p.id, entry_id=films["a"].id))
    db.session.add(Star(user_id=people[0].id, entry_id=films["b"].id))
    db.session.add(
        VisitorDays(user_id=people[1].id, edition_id=edition.id, weekdays=False, weekends=["2031-04-05"])
    )
    db.session.commit()
    return people


def test_the_table_counts_wishes_per_film_and_day_kind(fest, wished):
    table = demand.demand_table(fest["edition"])
    rows = {f.entry.id: f for f in table.films}
    a, b, c = (rows[fest["films"][k].id] for k in "abc")
    assert table.wishers == 3 and table.films[0].entry.id == fest["films"]["a"].id
    assert (a.wishes, a.weekday, a.weekend) == (3, 2, 3)
    assert (b.wishes, b.weekday, b.weekend) == (1, 1, 1)
    assert a.blended > a.estimate > c.blended  # wished more than expected; C not at all
    assert c.wishes == 0 and fest["films"]["rejected"].id not in rows


def test_a_run_uses_and_records_the_blend_or_the_curators_numbers(app, fest, wished):
    edition = fest["edition"]
    blended = demand.blended_popularity(edition)
    run = runs.start_run(edition, actor=fest["staff"], time_limit=1, demand="wishes")
    films = {f["id"]: f["popularity"] for f in json.loads(run.instance_json)["films"]}
    assert run.demand_source == "wishes"
    assert films[f"e{fest['films']['a'].id}"] == blended[fest["films"]["a"].id] != 120
    db.session.rollback()
    run = runs.start_run(edition, actor=fest["staff"], time_limit=1)
    films = {f["id"]: f["popularity"] for f in json.loads(run.instance_json)["films"]}
    assert run.demand_source == "curators" and set(films.values()) == {120}


def test_an_unknown_demand_source_is_refused(fest):
    with pytest.raises(services.InvalidInput):
        runs.start_run(fest["edition"], actor=fest["staff"], time_limit=1, demand="astrology")


def test_staff_see_the_demand_page_and_save_settings(csrf_client, fest, wished):
    from tests.conftest import log_in

    log_in(csrf_client, fest["staff"])
    url = f"/audience/{fest['edition'].slug}/demand"
    page = csrf_client.get(url)
    assert page.status_code == 200 and "Film A" in page.get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(csrf_client, url),
        "expected_visitors": "-5",
        "prior_strength": "10",
        "venue_travel_minutes": "30",
        "city_travel_minutes": "240",
    }
    assert csrf_client.post(url, data=data).status_code == 422
    data["expected_visitors"] = "5000"
    assert csrf_client.post(url, data=data).status_code == 303
    db.session.expire_all()
    assert db.session.get(AudienceSettings, fest["edition"].id).expected_visitors == 5000
