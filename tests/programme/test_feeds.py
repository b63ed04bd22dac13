"""The frab/c3voc schedule feeds: every rule of the format that the apps rely on, checked on the
published programme (the official schema may not be copied here; docs/programme.md says how the
feeds were checked against it once)."""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from festival import localtime
from festival.extensions import db
from festival.programme import feeds, items
from festival.schedule import publishing, versions
from tests.schedule.conftest import at, screen

# the root's children, in the order of the schema's sequence
ROOT_ORDER = re.compile(r"^(generator )?(url )?version conference (day )+$")
CONFERENCE_REQUIRED = {"acronym", "title", "start", "end", "days", "timeslot_duration"}
CONFERENCE_KNOWN = CONFERENCE_REQUIRED | {"time_zone_name", "base_url", "logo", "url", "color", "track"}
# an event's elements as the schema lists them (each at most once), and the ones it requires
EVENT_ORDER = (
    "room", "title", "subtitle", "type", "date", "start", "duration", "abstract", "slug", "track", "logo",
    "persons", "language", "description", "recording", "links", "attachments", "video_download_url", "url",
    "feedback_url", "origin_url",
)  # fmt: skip
EVENT_REQUIRED = {"room", "title", "type", "date", "start", "duration", "abstract", "track"}
UUID = re.compile(r"^[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$")
DATE_TIME_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{1,2}:\d{2})$")
START = re.compile(r"^([0-2][0-9]:[0-5][0-9])$")
DURATION = re.compile(r"^[0-9]{1,2}:[0-9]{2}$")
XML_ACRONYM = re.compile(r"^[a-z0-9_-]{4,}$")
XML_SLUG = re.compile(r"^[a-z0-9_]{4,}-[a-z0-9\-_]{4,}$")
HTTP_URI = re.compile(r"^https?://")
# schedule.json
JSON_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
JSON_START = re.compile(r"^(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$")
JSON_DURATION = re.compile(r"^[0-9]+:[0-9]{2}$")
JSON_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
JSON_TOP = {"$schema", "generator", "schedule"}
JSON_CONFERENCE_REQUIRED = {"title", "acronym", "days", "daysCount", "start", "end", "timeslot_duration"}
JSON_CONFERENCE_KNOWN = JSON_CONFERENCE_REQUIRED | {
    "description", "time_zone_name", "logo", "colors", "keywords", "url", "tracks", "rooms", "meta",
}  # fmt: skip
JSON_ROOM_KNOWN = {
    "name",
    "slug",
    "type",
    "guid",
    "stream_id",
    "description",
    "capacity",
    "url",
    "features",
    "assembly",
}
JSON_DAY_KEYS = {"index", "date", "day_start", "day_end", "rooms"}
JSON_EVENT_REQUIRED = {
    "abstract", "date", "duration", "guid", "id", "language", "links", "persons", "room", "slug", "start",
    "subtitle", "title", "track", "type", "url",
}  # fmt: skip
JSON_EVENT_KNOWN = JSON_EVENT_REQUIRED | {
    "code", "logo", "end", "description", "recording_license", "do_not_record", "do_not_stream",
    "feedback_url", "origin_url", "attachments",
}  # fmt: skip
LINK_TYPES = {"slides", "paper", "web", "blog", "article", "media", "related", "activitypub"}


def _xml(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/xml", url
    assert response.data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(response.data)  # noqa: S314 (the app's own output)


def _json(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/json", url
    return json.loads(response.data)


def _events(root: ET.Element) -> list[ET.Element]:
    return root.findall("./day/room/event")


def assert_valid_schedule_xml(root: ET.Element, tz: ZoneInfo) -> None:
    """Every rule of the frab/c3voc schedule.xml format that readers rely on."""
    assert root.tag == "schedule"
    assert ROOT_ORDER.match("".join(f"{child.tag} " for child in root)), [c.tag for c in root]
    if root.find("url") is not None:
        assert HTTP_URI.match(root.findtext("url"))
    assert root.findtext("version")
    conference = root.find("conference")
    tags = [child.tag for child in conference]
    assert set(tags) >= CONFERENCE_REQUIRED and set(tags) <= CONFERENCE_KNOWN
    assert len(tags) == len(set(tags) - {"track"}) + tags.count("track")  # each at most once
    assert XML_ACRONYM.match(conference.findtext("acronym"))
    days = root.findall("day")
    assert int(conference.findtext("days")) == len(days)
    assert date.fromisoformat(conference.findtext("start")) == date.fromisoformat(days[0].get("date"))
    assert date.fromisoformat(conference.findtext("end")) == date.fromisoformat(days[-1].get("date"))
    assert DURATION.match(conference.findtext("timeslot_duration"))
    assert conference.findtext("time_zone_name") == tz.key
    assert HTTP_URI.match(conference.findtext("base_url"))
    assert [int(d.get("index")) for d in days] == list(range(1, len(days) + 1))
    for day in days:
        assert set(day.attrib) == {"index", "date", "start", "end"}
        day_date = date.fromisoformat(day.get("date"))
        start, end = (datetime.fromisoformat(day.get(k)) for k in ("start", "end"))
        assert DATE_TIME_TZ.match(day.get("start")) and DATE_TIME_TZ.match(day.get("end"))
        assert start.astimezone(tz).date() == day_date and start < end
        assert all(child.tag == "room" for child in day)
        names = [room.get("name") for room in day]
        assert len(names) == len(set(names)), "a room appears once per day"
        for room in day:
            assert room.get("name") and UUID.match(room.get("guid"))
            assert all(child.tag == "event" for child in room)
            for event in room:
                assert_valid_event(event, room.get("name"), day_date, tz)
    events = _events(root)
    for attribute in ("guid", "id"):
        values = [e.get(attribute) for e in events]
        assert len(values) == len(set(values)), f"{attribute} not unique"
    slugs = [e.findtext("slug") for e in events]
    assert len(slugs) == len(set(slugs)), "slug not unique"


def assert_valid_event(event: ET.Element, room: str, day: date, tz: ZoneInfo) -> None:
    assert set(event.attrib) <= {"id", "guid", "code"}
    assert int(event.get("id")) > 0 and UUID.match(event.get("guid"))
    tags = [child.tag for child in event]
    assert set(tags) >= EVENT_REQUIRED, EVENT_REQUIRED - set(tags)
    assert len(tags) == len(set(tags)) and set(tags) <= set(EVENT_ORDER)
    assert tags == sorted(tags, key=EVENT_ORDER.index), "elements in the schema's order"
    assert event.findtext("room") == room
    assert event.findtext("title")
    assert DATE_TIME_TZ.match(event.findtext("date"))
    local = datetime.fromisoformat(event.findtext("date"))
    assert local.utcoffset() == local.astimezone(tz).utcoffset(), "dates carry the edition's offset"
    assert local.astimezone(tz).date() == day, "an event sits in the day of its local start"
    assert START.match(event.findtext("start")) and event.findtext("start") == local.strftime("%H:%M")
    assert DURATION.match(event.findtext("duration"))
    if event.find("slug") is not None:
        assert XML_SLUG.match(event.findtext("slug")), event.findtext("slug")
    for tag in ("url",):
        if event.find(tag) is not None:
            assert HTTP_URI.match(event.findtext(tag))
    persons = event.find("persons")
    assert persons is None or all(p.tag == "person" and p.text for p in persons)
    links = event.find("links")
    assert links is None or all(link.tag == "link" and HTTP_URI.match(link.get("href")) for link in links)


def assert_valid_schedule_json(document: dict, tz: ZoneInfo) -> None:
    """Every rule of the c3voc schedule.json format that readers rely on."""
    assert set(document) <= JSON_TOP and "schedule" in document
    schedule = document["schedule"]
    assert isinstance(schedule["version"], str) and "rooms" not in schedule
    conference = schedule["conference"]
    assert JSON_CONFERENCE_REQUIRED <= set(conference) <= JSON_CONFERENCE_KNOWN
    assert JSON_ACRONYM.match(conference["acronym"])
    assert isinstance(conference["daysCount"], int) and conference["daysCount"] == len(conference["days"])
    assert isinstance(conference["timeslot_duration"], str)
    assert re.match(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$", conference["time_zone_name"])
    for room in conference["rooms"]:
        assert {"name", "guid"} <= set(room) <= JSON_ROOM_KNOWN and UUID.match(room["guid"])
    room_names = {room["name"] for room in conference["rooms"]}
    guids, ids, slugs = [], [], []
    for day in conference["days"]:
        assert set(day) == JSON_DAY_KEYS and isinstance(day["index"], int)
        day_date = date.fromisoformat(day["date"])
        assert datetime.fromisoformat(day["day_start"]).astimezone(tz).date() == day_date
        for room, events in day["rooms"].items():
            assert room in room_names
            for event in events:
                assert JSON_EVENT_REQUIRED <= set(event) <= JSON_EVENT_KNOWN, set(event) ^ JSON_EVENT_REQUIRED
                assert event["room"] == room and UUID.match(event["guid"])
                assert isinstance(event["id"], int) and event["id"] >= 1
                assert JSON_START.match(event["start"]) and JSON_DURATION.match(event["duration"])
                assert JSON_SLUG.match(event["slug"])
                assert datetime.fromisoformat(event["date"]).astimezone(tz).date() == day_date
                for key in ("subtitle", "track", "language", "abstract", "description"):
                    assert event[key] is None or isinstance(event[key], str), key
                for person in event["persons"]:
                    # the schema accepts exactly one of frab's (public_name and id) or pretalx's (name)
                    assert isinstance(person["name"], str) and "public_name" not in person
                for link in event["links"]:
                    assert set(link) <= {"type", "url", "title"} and HTTP_URI.match(link["url"])
                    assert link.get("type", "web") in LINK_TYPES
                guids.append(event["guid"])
                ids.append(event["id"])
                slugs.append(event["slug"])
    assert len(guids) == len(set(guids)) and len(ids) == len(set(ids)) and len(slugs) == len(set(slugs))


def test_schedule_xml_follows_the_format_and_has_one_event_per_published_screening(client, fest, published):
    edition = fest["edition"]
    root = _xml(client, f"/programme/{edition.slug}/schedule.xml")
    assert_valid_schedule_xml(root, localtime.zone(edition))
    events = _events(root)
    assert sorted(e.findtext("title") for e in events) == ["Film A", "Film B", "Film C"]  # not the draft's
    days = root.findall("day")
    assert len(days) == 14 and days[0].get("date") == "2031-04-01" and days[-1].get("date") == "2031-04-14"
    [wednesday] = [d for d in days if d.get("date") == "2031-04-02"]
    assert [r.get("name") for r in wednesday] == ["Dome", "Giant Screen"]  # theaters with screenings that day
    assert [e.findtext("title") for e in wednesday.find("room")] == ["Film A", "Film B"]
    assert (
        days[0].get("start") == "2031-04-01T00:00:00+08:00"
        and days[0].get("end") == "2031-04-02T00:00:00+08:00"
    )
    assert root.find("./day/room") is not None and not list(days[0])  # a day without screenings is empty
    film_a = next(e for e in events if e.findtext("title") == "Film A")
    assert film_a.findtext("date") == "2031-04-02T10:00:00+08:00"
    assert (film_a.findtext("start"), film_a.findtext("duration")) == ("10:00", "00:30")
    assert film_a.findtext("type") == film_a.findtext("track") == "Fulldome (planetarium)"
    assert film_a.findtext("abstract") == "About Film A."
    film_url = f"http://localhost/programme/{edition.slug}/film/{fest['films']['a'].id}"
    assert film_a.findtext("url") == film_url and film_a.find("links/link").get("href") == film_url
    assert client.get(film_url).status_code == 200
    conference = root.find("conference")
    assert conference.findtext("title") == edition.name
    assert conference.findtext("timeslot_duration") == "00:15"
    assert conference.findtext("base_url") == "http://localhost/"
    assert root.findtext("version").startswith("1 (")


def test_schedule_json_follows_the_format_and_mirrors_the_xml(client, fest, published):
    slug = fest["edition"].slug
    document = _json(client, f"/programme/{slug}/schedule.json")
    assert_valid_schedule_json(document, localtime.zone(fest["edition"]))
    root = _xml(client, f"/programme/{slug}/schedule.xml")
    conference = document["schedule"]["conference"]
    assert document["schedule"]["version"] == root.findtext("version")
    assert conference["acronym"] == root.findtext("conference/acronym")
    assert [d["date"] for d in conference["days"]] == [d.get("date") for d in root.findall("day")]
    from_json = [
        (e["guid"], e["id"], e["room"], e["title"], e["date"], e["start"], e["duration"], e["slug"], e["url"])
        for d in conference["days"]
        for events in d["rooms"].values()
        for e in events
    ]
    fields = ("room", "title", "date", "start", "duration", "slug", "url")
    from_xml = [(e.get("guid"), int(e.get("id")), *(e.findtext(k) for k in fields)) for e in _events(root)]
    assert from_json == from_xml and len(from_json) == 3
    assert [r["name"] for r in conference["rooms"]] == ["Dome", "Giant Screen"]
    assert conference["rooms"][0]["capacity"] == 300


def test_both_feeds_exist_at_the_short_address_of_the_current_edition(client, fest, published, past):
    slug = fest["edition"].slug
    for kind in ("xml", "json"):
        short, own = (
            client.get(f"/programme/schedule.{kind}"),
            client.get(f"/programme/{slug}/schedule.{kind}"),
        )
        assert short.status_code == 200 and short.data == own.data
    old = _xml(client, "/programme/st-2030/schedule.xml")
    assert [e.findtext("title") for e in _events(old)] == ["Old Film", "Old Film"]  # not the draft's film
    assert old.findtext("conference/title") == "Tenth Science Section"
    assert client.get("/programme/nowhere/schedule.xml").status_code == 404


def test_nothing_published_means_no_feed(client, fest, draft):
    for kind in ("xml", "json"):
        assert client.get(f"/programme/{fest['edition'].slug}/schedule.{kind}").status_code == 404
        assert client.get(f"/programme/schedule.{kind}").status_code == 404


def test_guids_and_ids_survive_a_republication_of_an_unchanged_screening(client, fest, published):
    slug = fest["edition"].slug
    before = {e.findtext("title"): e for e in _events(_xml(client, f"/programme/{slug}/schedule.xml"))}
    version_before = _xml(client, f"/programme/{slug}/schedule.xml").findtext("version")
    draft = versions.current_draft(fest["edition"])  # adds Starry Sky on 2 April at 14:00
    moved = next(s for s in draft.screenings if s.entry_id == fest["films"]["b"].id)
    moved.start, moved.end = at(2, 15), at(2, 15, 40)
    db.session.commit()
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    root = _xml(client, f"/programme/{slug}/schedule.xml")
    after = {e.findtext("title"): e for e in _events(root)}
    assert root.findtext("version") != version_before and root.findtext("version").startswith("2 (")
    for title in ("Film A", "Film C"):  # unchanged: same guid, same id, although the rows are new
        assert (after[title].get("guid"), after[title].get("id")) == (
            before[title].get("guid"),
            before[title].get("id"),
        )
    assert after["Film B"].get("guid") != before["Film B"].get("guid")  # moved: another screening
    assert "Starry Sky" in after


def test_feeds_answer_304_until_the_next_publication_and_are_readable_from_any_site(client, fest, published):
    url = f"/programme/{fest['edition'].slug}/schedule.xml"
    first = client.get(url)
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["Cache-Control"] == "public, max-age=900" and first.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.headers["Access-Control-Allow-Origin"] == "*"
    since = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    json_first = client.get(url.replace(".xml", ".json"))
    assert json_first.headers["ETag"] != first.headers["ETag"]
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    fresh = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert fresh.status_code == 200 and b"Starry Sky" in fresh.data


def test_the_chinese_feed_has_chinese_titles_and_the_english_ones_as_subtitles(client, fest, published):
    publishing.publish(versions.current_draft(fest["edition"]), actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    slug = fest["edition"].slug
    english = {e.findtext("title"): e for e in _events(_xml(client, f"/programme/{slug}/schedule.xml"))}
    assert english["Starry Sky"].findtext("subtitle") == "星空漫游"
    chinese = _xml(client, f"/programme/{slug}/schedule.xml?lang=zh")
    starry = next(e for e in _events(chinese) if e.findtext("title") == "星空漫游")
    assert starry.findtext("subtitle") == "Starry Sky" and starry.findtext("room") == "球幕影院"
    assert starry.findtext("type") == "球幕（天象厅）"
    assert starry.get("guid") == english["Starry Sky"].get("guid")  # one screening, whatever the language
    assert chinese.findtext("url").endswith("/schedule.xml?lang=zh")
    document = _json(client, f"/programme/{slug}/schedule.json?lang=zh")
    assert "球幕影院" in document["schedule"]["conference"]["days"][1]["rooms"]
    # an unknown language gives the English feed
    assert (
        client.get(f"/programme/{slug}/schedule.xml?lang=xx").data
        == client.get(f"/programme/{slug}/schedule.xml").data
    )


def test_directors_and_languages_become_persons_and_language_codes(client, fest, past):
    [event, *_] = _events(_xml(client, "/programme/st-2030/schedule.xml"))
    assert [p.text for p in event.find("persons")] == ["Ada Lovelace", "Li Wei"]
    assert event.findtext("language") == "en, zh"
    assert event.findtext("description") == "The long story of Old Film."
    document = _json(client, "/programme/st-2030/schedule.json")
    [first] = document["schedule"]["conference"]["days"][1]["rooms"]["Old Dome"]
    assert first["persons"] == [{"name": "Ada Lovelace"}, {"name": "Li Wei"}]
    assert first["links"] == [{"url": first["url"], "title": "Old Film", "type": "web"}]


def test_times_are_in_the_editions_own_timezone(client, fest, past):
    past["edition"].timezone = "Europe/Berlin"
    db.session.commit()
    root = _xml(client, "/programme/st-2030/schedule.xml")
    tz = ZoneInfo("Europe/Berlin")
    assert_valid_schedule_xml(root, tz)
    assert root.findtext("conference/time_zone_name") == "Europe/Berlin"
    first = _events(root)[0]  # 10:00 in Beijing is 04:00 in Berlin (summer time)
    assert (first.findtext("date"), first.findtext("start")) == ("2030-04-02T04:00:00+02:00", "04:00")
    assert root.find("day").get("start") == "2030-04-01T00:00:00+02:00"
    assert_valid_schedule_json(_json(client, "/programme/st-2030/schedule.json"), tz)


def test_two_theaters_of_the_same_name_in_two_venues_are_two_rooms(client, fest, published, make):
    museum2 = make.venue(fest["edition"], code="hefei", name="Hefei Museum")
    other_dome = make.theater(museum2, code="dome", name="Dome", seats=120)
    draft = versions.current_draft(fest["edition"])
    screen(draft, fest["films"]["a"], other_dome, at(4, 10))
    db.session.commit()
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    root = _xml(client, f"/programme/{fest['edition'].slug}/schedule.xml")
    assert_valid_schedule_xml(root, localtime.zone(fest["edition"]))
    rooms = {r.get("name"): r.get("guid") for r in root.findall("./day/room")}
    assert {"Dome (Museum)", "Dome (Hefei Museum)"} <= set(rooms)
    assert rooms["Dome (Museum)"] != rooms["Dome (Hefei Museum)"]


# ---------------------------------------------------------------- the builders on their own


def _item(key: str, start: datetime, minutes: int = 30, **more) -> items.ProgrammeItem:
    place = more.pop("place", items.Place(key="theater/1", name="Dome", order=(1,)))
    values = {
        "key": key, "kind": "screening", "start": start, "end": start + timedelta(minutes=minutes),
        "place": place, "title": key, "subtitle": None, "type": "Fulldome", "track": "Fulldome",
        "language": None, "abstract": "", "description": "", "persons": (),
        "url": "https://festival.example/film", "links": (), "slug": "",
    }  # fmt: skip
    return items.ProgrammeItem(**{**values, **more})


def _conference(**more) -> feeds.Conference:
    values = {
        "edition_slug": "st", "acronym": feeds.acronym("st"), "title": "Festival",
        "first_day": date(2031, 4, 1), "last_day": date(2031, 4, 2), "timezone": "Asia/Shanghai",
        "timeslot_minutes": 5, "base_url": "https://festival.example/",
        "url": "https://festival.example/programme/st/",
        "feed_url": "https://festival.example/programme/st/schedule.xml", "version": "1",
    }  # fmt: skip
    return feeds.Conference(**{**values, **more})


def test_acronyms_and_slugs_fit_both_schemas_whatever_the_editions_slug():
    for slug in ("st", "bjiff-11-st", "ST.2031", "a", "bjiff_2021"):
        acronym = feeds.acronym(slug)
        assert XML_ACRONYM.match(acronym) and JSON_ACRONYM.match(acronym), acronym
    conference = _conference(edition_slug="x", acronym=feeds.acronym("x"))
    start = datetime(2031, 4, 1, 10, tzinfo=localtime.zone(conference))
    short = [
        _item(f"k{i}", start + timedelta(hours=i), slug=s) for i, s in enumerate(("", "a", "galaxy-journey"))
    ]
    for day in feeds.arrange(conference, short):
        for _place, events in day.rooms:
            for event in events:
                assert XML_SLUG.match(event.slug) and JSON_SLUG.match(event.slug), event.slug


def test_an_item_outside_the_window_gets_a_day_of_its_own():
    conference = _conference()
    late = _item("late", datetime(2031, 4, 5, 23, 30, tzinfo=localtime.zone(conference)), minutes=60)
    days = feeds.arrange(conference, [late])
    assert [d.date for d in days] == [date(2031, 4, i) for i in range(1, 6)]
    assert [e.item.key for _p, events in days[-1].rooms for e in events] == ["late"]
    root = ET.fromstring(feeds.schedule_xml(conference, days))  # noqa: S314 (our own output)
    assert_valid_schedule_xml(root, localtime.zone(conference))
    assert _events(root)[0].findtext("duration") == "01:00"


def test_event_ids_are_positive_31_bit_and_unique_even_when_guids_clash_in_their_low_bits():
    guids = [str(uuid.UUID(int=n)) for n in (5, 5 + feeds.MAX_ID, 5 + 2 * feeds.MAX_ID, 7)]
    ids = feeds.event_ids(guids)
    assert len(set(ids.values())) == 4 and all(1 <= i <= feeds.MAX_ID for i in ids.values())
    assert feeds.event_ids(list(reversed(guids))) == ids  # the order they come in does not matter


def test_guids_depend_on_the_site_the_edition_and_the_item():
    key = "screening/e1/t2/20310402T0200Z"
    same = items.guid("https://festival.example/", "st", key)
    assert same == items.guid("https://festival.example", "st", key) and UUID.match(same)
    assert same != items.guid("https://other.example/", "st", key)
    assert same != items.guid("https://festival.example/", "st-2032", key)
    assert same != items.guid("https://festival.example/", "st", key.replace("t2", "t3"))


@pytest.mark.parametrize(
    ("text", "codes"),
    [("English", "en"), ("English, Mandarin", "en, zh"), ("中文", "zh"), ("英语；普通话", "en, zh"),
     ("Martian", "Martian"), ("", None), (None, None), ("French / French", "fr")],
)  # fmt: skip
def test_spoken_languages_become_codes(text, codes):
    assert items.language_codes(text) == codes
