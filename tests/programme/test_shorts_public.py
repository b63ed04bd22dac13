"""Shorts programmes in public: a programme's screening maps back to its films on every surface (the day
page, the programme's own page, each film's page, the calendar, schedule.json/xml, the API, visitors'
plans and votes), one test per surface."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from festival.audience import plans, votes
from festival.extensions import db
from festival.models import PlanItem, Screening, ShortsProgramme, Star, TimetableVersion
from festival.models.enums import Role, VersionStatus
from festival.schedule import publishing, shorts
from tests.programme.test_feeds import assert_valid_schedule_json
from tests.schedule.conftest import at


@pytest.fixture
def live(fest):
    """Starry Sky and Film A as the programme "Night sky" (62 minutes), published: in the dome at 14:00 on
    Wed 2 April, and Film B alone at 10:00."""
    f = fest["films"]
    programme = shorts.create_programme(
        fest["edition"], title_en="Night sky", title_zh="夜空", note_en="Two films of the stars.",
        entries=[f["zh"], f["a"]],
    )  # fmt: skip
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    unit = Screening(
        timetable_id=version.id, programme_id=programme.id, theater_id=fest["dome"].id, start=at(2, 14),
        end=at(2, 15, 2), expected_attendance=150,
    )  # fmt: skip
    single = Screening(
        timetable_id=version.id, entry_id=f["b"].id, theater_id=fest["dome"].id, start=at(2, 10),
        end=at(2, 10, 40),
    )  # fmt: skip
    db.session.add_all([unit, single])
    db.session.commit()
    publishing.publish(version, actor=fest["staff"], lock=None, accept_warnings=True)
    db.session.commit()
    return {"programme": programme, "screening": unit, "version": version}


def _slug(fest) -> str:
    return fest["edition"].slug


def test_the_day_page_shows_the_programme_with_its_films(client, fest, live):
    page = client.get(f"/programme/{_slug(fest)}/?day=2031-04-02").get_data(as_text=True)
    assert f'/programme/{_slug(fest)}/shorts/{live["programme"].id}"' in page
    assert "Night sky" in page and "62 min" in page
    assert page.index("Starry Sky") < page.index("Film A")
    assert f'/programme/{_slug(fest)}/film/{fest["films"]["a"].id}"' in page


def test_the_programme_page_lists_its_films_in_order_and_its_screenings(client, fest, live):
    url = f"/programme/{_slug(fest)}/shorts/{live['programme'].id}"
    page = client.get(url).get_data(as_text=True)
    assert "Two films of the stars." in page
    assert page.index("Starry Sky") < page.index("Film A") and page.count("30 min") >= 2
    assert "Wed 2 Apr" in page and "14:00" in page
    zh = client.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "夜空" in zh
    hidden = ShortsProgramme(edition_id=fest["edition"].id, title_en="Unscreened")
    db.session.add(hidden)
    db.session.commit()
    assert client.get(f"/programme/{_slug(fest)}/shorts/{hidden.id}").status_code == 404
    assert client.get(f"/programme/{_slug(fest)}/shorts/999999").status_code == 404


def test_a_member_films_page_says_which_programme_it_screens_in(client, fest, live):
    page = client.get(f"/programme/{_slug(fest)}/film/{fest['films']['a'].id}").get_data(as_text=True)
    assert "Screens in the programme" in page and "Night sky" in page
    assert f'/programme/{_slug(fest)}/shorts/{live["programme"].id}"' in page
    assert "14:00" in page


def test_the_calendar_lists_the_programme_with_its_films(client, fest, live):
    body = client.get(f"/programme/{_slug(fest)}/calendar.ics").data
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    unit = next(e for e in events if str(e["summary"]).startswith("Night sky"))
    assert "1. Starry Sky / 星空漫游 (30 min)" in str(unit["description"])
    assert str(unit["url"]).endswith(f"/shorts/{live['programme'].id}")
    film = client.get(f"/programme/{_slug(fest)}/film/{fest['films']['a'].id}.ics").data
    assert b"Night sky" in film


def test_the_schedule_feed_links_the_programme_to_its_films(client, fest, live):
    document = json.loads(client.get(f"/programme/{_slug(fest)}/schedule.json").data)
    assert_valid_schedule_json(document, ZoneInfo("Asia/Shanghai"))
    events = [e for d in document["schedule"]["conference"]["days"] for r in d["rooms"].values() for e in r]
    unit = next(e for e in events if e["title"] == "Night sky")
    assert [link["title"] for link in unit["links"]] == ["Starry Sky", "Film A"]
    assert "1. Starry Sky (30 min)" in unit["abstract"]
    xml = client.get(f"/programme/{_slug(fest)}/schedule.xml").get_data(as_text=True)
    assert "Night sky" in xml


def test_the_api_maps_the_programmes_screening_to_its_films(client, fest, live):
    a = fest["films"]["a"]
    base = f"/api/v1/editions/{_slug(fest)}"
    found = client.get(f"{base}/screenings?film={a.id}").get_json()["data"]
    assert len(found) == 1 and found[0]["film"] is None
    assert found[0]["programme"]["title"] == "Night sky" and found[0]["programme"]["runtime_minutes"] == 62
    assert [f["id"] for f in found[0]["films"]] == [fest["films"]["zh"].id, a.id]
    film = client.get(f"{base}/films/{a.id}").get_json()
    assert film["screening_count"] == 1 and len(film["screenings"]) == 1
    b = client.get(f"{base}/screenings?film={fest['films']['b'].id}").get_json()["data"]
    assert b[0]["film"]["id"] == fest["films"]["b"].id and b[0]["programme"] is None


@pytest.fixture
def viewer(make):
    user = make.user(role=Role.VISITOR, name="Vera Visitor")
    db.session.commit()
    return user


def test_a_plan_holds_the_programmes_screening_for_each_film(fest, live, viewer):
    edition, f = fest["edition"], fest["films"]
    plans.add_to_plan(viewer, edition, live["screening"].id)
    db.session.commit()
    items = db.session.scalars(sa.select(PlanItem.entry_id).where(PlanItem.user_id == viewer.id)).all()
    assert sorted(items) == sorted([f["a"].id, f["zh"].id])
    stars = db.session.scalars(sa.select(Star.entry_id).where(Star.user_id == viewer.id)).all()
    assert sorted(stars) == sorted([f["a"].id, f["zh"].id])
    assert [s.id for s in plans.planned_screenings(viewer, edition)] == [live["screening"].id]
    proposal = plans.propose_visit(edition, [f["a"].id], [at(2, 0).date()])
    assert [s.id for s in proposal] == [live["screening"].id]
    plans.remove_from_plan(viewer, edition, live["screening"].id)
    assert plans.planned_screenings(viewer, edition) == []


def test_a_vote_after_the_programmes_screening_counts_for_its_films(fest, live, viewer):
    edition, f = fest["edition"], fest["films"]
    plans.add_to_plan(viewer, edition, live["screening"].id)
    db.session.commit()
    with pytest.raises(votes.NotYet):
        votes.cast_vote(viewer, edition, f["zh"].id, 5, now=at(2, 13, 59))
    votes.cast_vote(viewer, edition, f["zh"].id, 5, now=at(2, 14))
    votes.cast_vote(viewer, edition, f["a"].id, 3, now=at(2, 14))
    with pytest.raises(votes.NotYet):  # B screened, but it is not in the plan
        votes.cast_vote(viewer, edition, f["b"].id, 3, now=at(2, 14))
