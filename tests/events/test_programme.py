"""Public events beside the screenings: the day page and its kind filter, the event's page, calendars,
the frab/c3voc feeds (the talks they are, with the confirmed speakers as persons) and the caches."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.events import services
from festival.extensions import db
from festival.models import Edition, Speaker, TimetableVersion
from festival.models.enums import EventKind, SpeakerStatus, VersionStatus
from festival.models.event import EventSpeaker
from festival.models.types import utcnow
from festival.programme import caching
from tests.programme.conftest import past, published  # noqa: F401
from tests.programme.test_feeds import _xml, assert_valid_schedule_json, assert_valid_schedule_xml
from tests.schedule.conftest import at, draft, fest, request_context  # noqa: F401

TITLE = "The Future of Dome Cinema"


@pytest.fixture
def forum(fest, published):  # noqa: F811 (fixtures)
    """A public forum session on 3 April 14:00-15:30 in the dome, with a confirmed and an invited speaker,
    and a block (not public) the morning before."""
    edition = fest["edition"]
    event = services.create_event(
        edition, actor=None, kind=EventKind.FORUM, title=TITLE, title_zh="球幕电影的未来",
        description="Makers of fulldome films on what comes next.", theater_id=fest["dome"].id,
        start=at(3, 14), end=at(3, 15, 30), public=True, capacity=2, registration_required=True,
        language="Chinese, English",
    )  # fmt: skip
    services.create_event(
        edition, actor=None, kind=EventKind.MAINTENANCE, title="Projector service",
        theater_id=fest["dome"].id, start=at(2, 8), end=at(2, 9), public=False,
    )  # fmt: skip
    yes = Speaker(email="liu@example.org", name="Liu Cixin", name_zh="刘慈欣")
    maybe = Speaker(email="ada@example.org", name="Ada Invited")
    db.session.add_all([yes, maybe])
    db.session.flush()
    event.speakers.append(EventSpeaker(speaker_id=yes.id, status=SpeakerStatus.CONFIRMED, position=0))
    event.speakers.append(EventSpeaker(speaker_id=maybe.id, status=SpeakerStatus.INVITED, position=1))
    db.session.commit()
    return {"event": event, "speaker": yes, "slug": edition.slug, "edition": edition}


def test_the_day_page_lists_public_events_beside_screenings_and_filters_by_kind(client, forum):
    slug = forum["slug"]
    page = client.get(f"/programme/{slug}/?day=2031-04-03").get_data(as_text=True)
    assert TITLE in page and "Forum session" in page
    assert "Projector service" not in client.get(f"/programme/{slug}/?day=2031-04-02").get_data(as_text=True)
    assert TITLE in client.get(f"/programme/{slug}/?day=2031-04-03&kind=forum").get_data(as_text=True)
    only_films = client.get(f"/programme/{slug}/?day=2031-04-03&kind=screening").get_data(as_text=True)
    assert TITLE not in only_films
    assert TITLE not in client.get(f"/programme/{slug}/?day=2031-04-03&format=dome").get_data(as_text=True)


def test_the_event_page_names_time_room_and_confirmed_speakers_only(client, forum):
    html = client.get(f"/programme/{forum['slug']}/event/{forum['event'].id}").get_data(as_text=True)
    assert TITLE in html and "14:00" in html and "Dome" in html
    assert "Liu Cixin" in html and "Ada Invited" not in html
    assert "2 seats left of 2." in html and "Log in to register" in html
    speaker = client.get(f"/programme/{forum['slug']}/speaker/{forum['speaker'].id}")
    assert speaker.status_code == 200 and TITLE in speaker.get_data(as_text=True)


def test_events_that_are_not_public_or_of_another_edition_have_no_page(client, forum, past):  # noqa: F811
    block = db.session.scalar(sa.select(services.Event).where(services.Event.public.is_(False)))
    assert client.get(f"/programme/{forum['slug']}/event/{block.id}").status_code == 404
    assert client.get(f"/programme/{past['edition'].slug}/event/{forum['event'].id}").status_code == 404
    assert client.get(f"/programme/{forum['slug']}/event/999999").status_code == 404


def test_calendars_carry_the_event(client, forum):
    one = client.get(f"/programme/{forum['slug']}/event/{forum['event'].id}.ics")
    assert one.status_code == 200 and one.mimetype == "text/calendar"
    text = one.get_data(as_text=True)
    assert (
        f"SUMMARY:{TITLE} / 球幕电影的未来" in text and "DTSTART;TZID=Asia/Shanghai:20310403T140000" in text
    )
    whole = client.get(f"/programme/{forum['slug']}/calendar.ics").get_data(as_text=True)
    assert f"{forum['slug']}-event{forum['event'].id}@festival" in whole and "BEGIN:VEVENT" in whole


def test_the_feeds_carry_the_event_as_a_talk_with_its_speakers(client, forum):
    tz = localtime.zone(forum["edition"])
    root = _xml(client, f"/programme/{forum['slug']}/schedule.xml")
    assert_valid_schedule_xml(root, tz)
    talk = next(e for e in root.iter("event") if e.findtext("title") == TITLE)
    assert talk.findtext("type") == "Forum session" and talk.findtext("start") == "14:00"
    assert talk.findtext("duration") == "01:30"
    assert [p.text for p in talk.find("persons")] == ["Liu Cixin"]
    assert talk.findtext("language") == "zh, en"
    document = client.get(f"/programme/{forum['slug']}/schedule.json").get_json()
    assert_valid_schedule_json(document, tz)
    events = [
        e
        for day in document["schedule"]["conference"]["days"]
        for room in day["rooms"].values()
        for e in room
    ]
    talk = next(e for e in events if e["title"] == TITLE)
    assert talk["persons"] == [{"name": "Liu Cixin"}] and talk["url"].endswith(f"/event/{forum['event'].id}")
    zh = _xml(client, f"/programme/{forum['slug']}/schedule.xml?lang=zh")
    assert any(e.findtext("title") == "球幕电影的未来" for e in zh.iter("event"))


def test_a_change_to_an_event_reaches_the_cached_pages_and_feeds_without_a_publication(client, forum):
    slug = forum["slug"]
    first = client.get(f"/programme/{slug}/?day=2031-04-03")
    feed = client.get(f"/programme/{slug}/schedule.xml")
    services.update_event(forum["event"], actor=None, title="Domes, tomorrow")
    db.session.commit()
    again = client.get(f"/programme/{slug}/?day=2031-04-03", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and "Domes, tomorrow" in again.get_data(as_text=True)
    feed_again = client.get(
        f"/programme/{slug}/schedule.xml", headers={"If-None-Match": feed.headers["ETag"]}
    )
    assert feed_again.status_code == 200 and b"Domes, tomorrow" in feed_again.data


def test_the_old_edition_argument_redirects_even_beside_a_query_argument_named_like_the_address(
    client, forum
):
    event_id = forum["event"].id
    response = client.get(f"/programme/event/{event_id}?edition={forum['slug']}&event_id=999")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/programme/{forum['slug']}/event/{event_id}")


def _backdate(forum, minutes: int) -> None:
    """Make the publication and the events' last change older (Last-Modified is to the second)."""
    edition = forum["edition"]
    version = db.session.scalars(
        sa.select(TimetableVersion).where(
            TimetableVersion.edition_id == edition.id, TimetableVersion.status == VersionStatus.PUBLISHED
        )
    ).one()
    version.published_at = utcnow() - timedelta(minutes=minutes + 60)
    edition.events_changed_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()
    caching.clear_fragments()


@pytest.mark.parametrize(
    "address",
    ["/programme/{slug}/?day=2031-04-03", "/programme/{slug}/schedule.xml", "/programme/{slug}/calendar.ics"],
)
def test_if_modified_since_never_gets_a_stale_304_after_an_event_changes(client, forum, address):
    url = address.format(slug=forum["slug"])
    _backdate(forum, 60)
    first = client.get(url)
    edition = db.session.get(Edition, forum["edition"].id)
    # the events changed after the publication: Last-Modified is their change, not the publication
    assert parsedate_to_datetime(first.headers["Last-Modified"]) == edition.events_changed_at.replace(
        microsecond=0
    )
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    services.update_event(forum["event"], actor=None, title="Domes of tomorrow")
    db.session.commit()
    changed = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200 and b"Domes of tomorrow" in changed.data
    assert parsedate_to_datetime(changed.headers["Last-Modified"]) > parsedate_to_datetime(
        first.headers["Last-Modified"]
    )
    # a deleted event leaves no row to date: the edition's stamp still moves
    _backdate(forum, 30)
    before = client.get(url)
    services.delete_event(forum["event"], actor=None)
    db.session.commit()
    gone = client.get(url, headers={"If-Modified-Since": before.headers["Last-Modified"]})
    assert gone.status_code == 200 and b"Domes of tomorrow" not in gone.data
    assert client.get(url, headers={"If-Modified-Since": gone.headers["Last-Modified"]}).status_code == 304
