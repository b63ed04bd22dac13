"""Speakers: staff add them by e-mail, a speaker answers and keeps a bilingual bio and photo, their public
page lists their events, and nobody is double-booked (overlapping, or too little time between venues)."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from festival import localtime
from festival.errors import InvalidInput, InvalidTransition
from festival.events import services, speakers
from festival.extensions import db
from festival.models import EventSpeaker, OutboxMail, Speaker, User
from festival.models.enums import EventKind, Role, SpeakerStatus
from festival.people import invitations
from tests import factories
from tests.factories import TZ


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 4, day, hour, minute, tzinfo=TZ)


def _event(place, title, theater, start, end):
    return services.create_event(
        place["edition"], actor=None, kind=EventKind.FORUM, title=title, theater_id=theater.id, start=start,
        end=end, public=True,
    )  # fmt: skip


LINK = re.compile(r"https?://\S+/invitation/(\S+)")
NEW_PASSWORD = "Orbit-Nebula-Lantern-77"


def _token(email: str) -> str:
    """The link's token in the last invitation mailed to ``email``."""
    mail = db.session.scalars(
        sa.select(OutboxMail).where(OutboxMail.recipient == email).order_by(OutboxMail.id.desc())
    ).first()
    return LINK.search(mail.body).group(1)


def _accept_as(client, auth, person) -> None:
    """``person`` logs in and accepts the last invitation mailed to their address."""
    auth.login_as(person)
    assert client.post(f"/invitation/{_token(person.email)}").status_code == 303


@pytest.fixture
def annex(place, make):
    """A second venue of the edition, with one theater."""
    venue = make.venue(place["edition"], code="annex", name="Annex")
    hall = make.theater(venue, code="hall", name="Hall", formats=["documentary"], seats=200)
    db.session.commit()
    return hall


def test_staff_invite_two_speakers_and_see_their_answers(client, auth, place):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    db.session.commit()
    auth.login_as(place["staff"])
    for name, email in (("Liu Cixin", "liu@example.org"), ("Ada Lovelace", "ADA@example.org ")):
        response = client.post(f"/staff/events/{event.id}/speakers", data={"name": name, "email": email})
        assert response.status_code == 303
    parts = list(db.session.scalars(sa.select(EventSpeaker).order_by(EventSpeaker.position)))
    assert [(p.speaker.email, p.status) for p in parts] == [
        ("liu@example.org", SpeakerStatus.INVITED), ("ada@example.org", SpeakerStatus.INVITED),
    ]  # fmt: skip
    page = client.get(f"/staff/events/{event.id}/edit").get_data(as_text=True)
    assert "Liu Cixin" in page and "Ada Lovelace" in page and "invited" in page
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.recipient == "liu@example.org"))
    assert "to speak at “The Future of Dome Cinema” (2031-04-03 14:00–15:30)" in mail.subject
    assert "/invitation/" in mail.body and mail.kind == "invitation"
    again = client.post(
        f"/staff/events/{event.id}/speakers", data={"name": "Liu", "email": "liu@example.org"}
    )
    assert again.status_code == 303 and len(event.speakers) == 2
    assert client.post(f"/staff/events/{event.id}/speakers/{parts[1].speaker_id}/remove").status_code == 303
    assert [p.speaker.email for p in event.speakers] == ["liu@example.org"]


def test_a_speaker_at_overlapping_events_is_refused_in_words_naming_both(place):
    forum = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    talk = _event(place, "Giant Screens Today", place["giant"], _at(3, 15), _at(3, 16))
    speakers.add_speaker(forum, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    with pytest.raises(InvalidInput) as refused:
        speakers.add_speaker(talk, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    message = str(refused.value.errors["email"][0])
    assert "Liu Cixin already speaks at “The Future of Dome Cinema”" in message
    assert "which overlaps “Giant Screens Today”" in message


def test_too_little_time_between_venues_is_refused_and_a_move_that_clashes_too(place, annex):
    forum = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    same_venue = _event(place, "Giant Screens Today", place["giant"], _at(3, 15, 45), _at(3, 16, 30))
    elsewhere = _event(place, "Science Films Abroad", annex, _at(3, 16), _at(3, 17))
    speakers.add_speaker(forum, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    speakers.add_speaker(
        same_venue, email="liu@example.org", name="Liu Cixin", actor=place["staff"]
    )  # 15 minutes, same venue
    with pytest.raises(InvalidInput) as refused:
        speakers.add_speaker(elsewhere, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    message = str(refused.value.errors["email"][0])
    assert "“The Future of Dome Cinema” (2031-04-03 14:00–15:30) at another venue" in message
    assert "the 30 minutes between it and “Science Films Abroad”" in message
    assert "too few to get there; at least 60 are needed" in message
    # moving the second event onto the first is refused as well, and nothing changes
    db.session.commit()
    with pytest.raises(InvalidInput) as moved:
        services.update_event(same_venue, actor=None, start=_at(3, 15), end=_at(3, 16))
    assert "overlaps" in str(moved.value.errors["start"][0])
    db.session.rollback()
    assert db.session.get(type(same_venue), same_venue.id).start == _at(3, 15, 45)


def test_a_declined_event_does_not_count(place):
    forum = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    talk = _event(place, "Giant Screens Today", place["giant"], _at(3, 15), _at(3, 16))
    part = speakers.add_speaker(forum, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    part.status = SpeakerStatus.DECLINED
    speakers.add_speaker(talk, email="liu@example.org", name="Liu Cixin", actor=place["staff"])


def test_the_speaker_answers_edits_bio_and_photo_and_has_a_public_page(
    client, auth, place, make, published_place
):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    person = make.user(role="visitor", email="liu@example.org")
    db.session.commit()
    _accept_as(client, auth, person)
    page = client.get("/speaking/").get_data(as_text=True)
    assert "The Future of Dome Cinema" in page and "invited" in page
    assert client.post(f"/speaking/{event.id}/confirm").status_code == 303
    profile = {
        "name": "Liu Cixin", "name_zh": "刘慈欣", "affiliation": "Writer", "bio": "Writes science fiction.",
        "bio_zh": "科幻作家。",
    }  # fmt: skip
    assert client.post("/speaking/", data=profile).status_code == 303
    photo = factories.image_bytes("PNG", size=(300, 400))
    upload = {"photo": (io.BytesIO(photo), "me.png")}
    assert client.post("/speaking/photo", data=upload, content_type="multipart/form-data").status_code == 303
    speaker = db.session.scalar(sa.select(Speaker))
    assert speaker.user_id == person.id and speaker.bio_zh == "科幻作家。" and speaker.photo_name
    slug = place["edition"].slug
    public = client.get(f"/programme/{slug}/speaker/{speaker.id}").get_data(as_text=True)
    assert "Writes science fiction." in public and "The Future of Dome Cinema" in public
    assert client.get(f"/programme/{slug}/speaker/{speaker.id}/photo/thumb").status_code == 200
    assert "Liu Cixin" in client.get(f"/programme/{slug}/event/{event.id}").get_data(as_text=True)
    # declining takes them off the programme
    assert client.post(f"/speaking/{event.id}/decline").status_code == 303
    assert client.get(f"/programme/{slug}/speaker/{speaker.id}").status_code == 404


def test_a_bad_photo_is_refused_by_its_content(client, auth, place, make):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    person = make.user(role="visitor", email="liu@example.org")
    db.session.commit()
    _accept_as(client, auth, person)
    upload = {"photo": (io.BytesIO(b"<?php echo 1; ?>"), "me.png")}
    client.post("/speaking/photo", data=upload, content_type="multipart/form-data")
    assert db.session.scalar(sa.select(Speaker.photo_name)) is None


def test_only_the_speaker_answers_and_only_speakers_have_a_page(client, auth, place, make):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    stranger = make.user(role="visitor", email="someone@example.org")
    db.session.commit()
    auth.login_as(stranger)
    assert client.get("/speaking/").status_code == 404
    client.post(f"/speaking/{event.id}/confirm")
    assert event.speakers[0].status == SpeakerStatus.INVITED


def test_a_new_speaker_accepts_the_invitation_with_a_new_account_and_lands_on_their_page(client, place):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    db.session.commit()
    token = _token("liu@example.org")
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert "to speak at “The Future of Dome Cinema”" in page and 'value="Liu Cixin"' in page
    data = {"name": "Liu Cixin", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "locale": "zh"}
    response = client.post(f"/invitation/{token}", data=data)
    assert response.status_code == 303 and response.headers["Location"].endswith("/speaking/")
    speaker = db.session.scalar(sa.select(Speaker))
    account = db.session.scalar(sa.select(User).where(User.email == "liu@example.org"))
    assert speaker.user_id == account.id and account.roles == {Role.VISITOR}
    assert "The Future of Dome Cinema" in client.get("/speaking/").get_data(as_text=True)
    # the link works once
    assert client.post(f"/invitation/{token}").status_code == 410


def test_an_account_of_the_address_is_no_speaker_until_it_accepts(client, auth, place, make):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    person = make.user(role="visitor", email="liu@example.org")
    stranger = make.user(role="visitor", email="someone@example.org")
    db.session.commit()
    token = _token("liu@example.org")
    auth.login_as(stranger)  # the wrong account cannot take it
    assert client.post(f"/invitation/{token}").status_code == 403
    auth.login_as(person)
    assert client.get("/speaking/").status_code == 404
    assert client.post(f"/speaking/{event.id}/confirm").status_code == 303
    assert event.speakers[0].status == SpeakerStatus.INVITED
    assert client.post(f"/invitation/{token}").status_code == 303
    assert client.get("/speaking/").status_code == 200


def test_staff_send_again_and_removing_a_speaker_withdraws_the_invitation(client, auth, place, monkeypatch):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    part = speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    db.session.commit()
    first = _token("liu@example.org")
    auth.login_as(place["staff"])
    page = client.get(f"/staff/events/{event.id}/edit").get_data(as_text=True)
    assert "invitation not accepted yet" in page
    # an expired link can be sent again: a new link, the old one is dead
    later = localtime.now() + invitations.VALID_FOR + timedelta(hours=1)
    with monkeypatch.context() as patch:
        patch.setattr(localtime, "now", lambda: later)
        assert client.get(f"/invitation/{first}").status_code == 410
        assert client.post(f"/staff/events/{event.id}/speakers/{part.speaker_id}/resend").status_code == 303
        second = _token("liu@example.org")
        assert second != first and client.get(f"/invitation/{second}").status_code == 200
    # removed from the event: the pending link stops working
    assert client.post(f"/staff/events/{event.id}/speakers/{part.speaker_id}/remove").status_code == 303
    response = client.get(f"/invitation/{second}")
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)
    with pytest.raises(InvalidTransition):  # no longer a speaker of the event
        speakers.send_again(event, db.session.get(Speaker, part.speaker_id), actor=place["staff"])


def test_a_speaker_who_accepted_is_not_sent_the_invitation_again(client, auth, place, make):
    event = _event(place, "The Future of Dome Cinema", place["dome"], _at(3, 14), _at(3, 15, 30))
    part = speakers.add_speaker(event, email="liu@example.org", name="Liu Cixin", actor=place["staff"])
    person = make.user(role="visitor", email="liu@example.org")
    db.session.commit()
    _accept_as(client, auth, person)
    with pytest.raises(InvalidTransition) as refused:
        speakers.send_again(event, part.speaker, actor=place["staff"])
    assert "has accepted already" in str(refused.value.message)
