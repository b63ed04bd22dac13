"""Publishing on purpose: the summary first, the full list collapsed with search and pages, the edition's
name typed in above a tenth removed (enforced by the server), and mails to the filmmakers whose
screenings changed, and only to them, previewed before publishing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import OutboxMail, Screening, TimetableVersion
from festival.models.enums import VersionStatus
from festival.schedule import edits, notices, publishing, routes, shorts, versions
from festival.schedule.publishing import NameNotConfirmed
from tests.conftest import Auth, csrf_token
from tests.schedule.conftest import at, screen


def _mails() -> list[OutboxMail]:
    return list(db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == notices.KIND)))


def _one(version, entry) -> Screening:
    return next(s for s in version.screenings if s.entry_id == entry.id)


@pytest.fixture
def public(fest):
    """Version 1 with 13 screenings: A three times, B and Starry Sky twice, C four times, D twice."""
    f = fest["films"]
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    for day in (2, 3, 4):
        screen(version, f["a"], fest["dome"], at(day, 10))
    for day in (2, 3):
        screen(version, f["b"], fest["dome"], at(day, 11))
        screen(version, f["zh"], fest["dome2"], at(day, 10))
    _giant_screen_films(fest, version)
    db.session.commit()
    publishing.publish(version, actor=None, lock=version.version, accept_warnings=True)
    db.session.commit()
    return version


def _giant_screen_films(fest, version) -> None:
    """C four times and D twice in the giant screen."""
    for day in (2, 4, 5, 6):
        screen(version, fest["films"]["c"], fest["giant"], at(day, 10))
    for day in (5, 6):
        screen(version, fest["films"]["d"], fest["giant"], at(day, 14))


def _copy(fest, version):
    draft = versions.create_draft(fest["edition"], actor=fest["staff"], based_on=version)
    db.session.commit()
    return draft


def test_a_draft_removing_more_than_a_tenth_needs_the_editions_name_from_the_server(
    client, auth, fest, public
):
    draft = _copy(fest, public)
    for key in ("a", "b"):  # 2 of 13 removed: 15 %
        edits.remove_screening(_one(draft, fest["films"][key]), actor=None, lock=None)
    db.session.commit()
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/publish"
    page = client.get(url).get_data(as_text=True)
    assert "This draft removes 2 of the 13 public screenings (15 %)" in page and 'name="confirm_name"' in page
    for typed in (None, "", "Edition", "the wrong festival"):
        data = {"lock": draft.version, "accept_warnings": "y"}
        if typed is not None:
            data["confirm_name"] = typed
        refused = client.post(url, data=data)
        assert refused.status_code == 422
        assert "name exactly as shown to publish this draft." in refused.get_data(as_text=True)
        db.session.refresh(draft)
        assert draft.status == VersionStatus.DRAFT
    assert _mails() == []
    typed = f"  {fest['edition'].name.upper()} "  # case and spacing aside
    done = client.post(url, data={"lock": draft.version, "accept_warnings": "y", "confirm_name": typed})
    assert done.status_code == 303
    db.session.refresh(draft)
    assert draft.status == VersionStatus.PUBLISHED and draft.number == 2


def test_the_service_refuses_without_the_name_and_takes_the_chinese_one(fest, public):
    fest["edition"].name_zh = "第二十一届科技单元"
    draft = _copy(fest, public)
    for key in ("a", "b"):
        edits.remove_screening(_one(draft, fest["films"][key]), actor=None, lock=None)
    db.session.commit()
    with pytest.raises(NameNotConfirmed) as caught:
        publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    assert set(caught.value.errors) == {"confirm_name"}
    db.session.rollback()
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True, confirm_name="第二十一届科技单元")
    assert draft.status == VersionStatus.PUBLISHED


def test_a_tenth_or_less_removed_needs_no_name(fest, public):
    draft = _copy(fest, public)
    edits.remove_screening(_one(draft, fest["films"]["a"]), actor=None, lock=None)  # 1 of 13
    db.session.commit()
    assert not publishing.summary(draft).needs_name
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    assert draft.number == 2


def test_only_the_filmmakers_whose_screenings_changed_get_a_mail_in_their_language(fest, public, make):
    f = fest["films"]
    other = make.user(name="Carla Other", email="carla@example.org")
    f["c"].owner_id = other.id  # her film C keeps its screenings: no mail for her
    f["a"].language = "zh"
    draft = _copy(fest, public)
    edits.move_screening(_one(draft, f["a"]), theater=fest["dome"], start=at(5, 14), actor=None, lock=None)
    edits.remove_screening(_one(draft, f["b"]), actor=None, lock=None)
    db.session.commit()
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    sent = {m.subject: m for m in _mails()}
    assert len(sent) == 2 and {m.recipient for m in sent.values()} == {fest["owner"].email}
    b = sent["New programme: the screenings of “Film B” have changed"]
    assert "Cancelled: Wed, Apr 2 11:00–11:40, Dome" in b.body
    assert "Its screenings before:\n  Wed, Apr 2 11:00–11:40, Dome\n  Thu, Apr 3 11:00–11:40, Dome" in b.body
    assert "Its screenings now:\n  Thu, Apr 3 11:00–11:40, Dome" in b.body
    assert "(version 2)" in b.body
    a = next(m for m in sent.values() if "Film A" in m.subject)
    assert a.subject.startswith("排片更新") and "球幕影院" in a.body  # Film A's entry is in Chinese


def test_the_first_publication_mails_nobody(fest, public):
    assert _mails() == []


def test_staff_preview_the_same_mails_before_publishing_and_the_summary_comes_first(
    client, auth, fest, public
):
    f = fest["films"]
    draft = _copy(fest, public)
    edits.move_screening(_one(draft, f["a"]), theater=fest["dome"], start=at(5, 14), actor=None, lock=None)
    db.session.commit()
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}/publish").get_data(as_text=True)
    summary, rest = page.split('class="card publish-summary"', 1)[1].split("</section>", 1)
    assert (
        "1 moved" in summary and "1 film affected: Film A" in summary and "1 filmmaker affected." in summary
    )
    assert "1 mail will be sent" in summary
    assert rest.index("publish-form") < rest.index("mails-preview") < rest.index("all-changes")
    preview = rest.split("mails-preview", 1)[1].split("all-changes", 1)[0]
    assert "New programme: the screenings of “Film A” have changed" in preview
    assert "Moved: Wed, Apr 2 10:00–10:30, Dome → Sat, Apr 5 14:00–14:30, Dome" in preview
    assert re.search(r'<details class="card all-changes">', rest)  # collapsed until asked
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    db.session.commit()
    assert [m.subject for m in _mails()] == ["New programme: the screenings of “Film A” have changed"]


def test_the_full_list_is_searched_and_paged(client, auth, fest, public, monkeypatch):
    monkeypatch.setattr(routes, "CHANGES_PER_PAGE", 2)
    f = fest["films"]
    draft = _copy(fest, public)
    edits.move_screening(_one(draft, f["a"]), theater=fest["dome"], start=at(5, 14), actor=None, lock=None)
    for key in ("b", "zh"):
        edits.remove_screening(_one(draft, f[key]), actor=None, lock=None)
    db.session.commit()
    auth.login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/publish"
    first = client.get(url).get_data(as_text=True)
    assert first.count('<tr class="change-') == 2 and 'rel="next"' in first
    second = client.get(url + "?page=2").get_data(as_text=True)
    assert second.count('<tr class="change-') == 1 and '<details class="card all-changes" open>' in second
    found = client.get(url + "?q=starry").get_data(as_text=True)
    assert found.count('<tr class="change-') == 1 and "1 change matches." in found and "Starry Sky" in found
    assert client.get(url + "?q=dome2").status_code == 200
    removed = client.get(url + "?kind=removed").get_data(as_text=True)
    assert removed.count('<tr class="change-removed') == 2 and "change-moved" not in removed
    assert "2 changes match." in removed and 'rel="next"' not in removed
    moved_a = client.get(url + "?kind=moved&q=film+a").get_data(as_text=True)
    assert moved_a.count('<tr class="change-moved') == 1 and "1 change matches." in moved_a
    assert client.get(url + "?kind=nonsense").get_data(as_text=True).count('<tr class="change-') == 2
    assert client.get(url + "?page=abc").status_code == 200


def test_the_publish_form_posts_with_a_real_csrf_token(csrf_client, fest, public):
    draft = _copy(fest, public)
    Auth(csrf_client).login_as(fest["staff"])
    url = f"/staff/timetable/versions/{draft.id}/publish"
    token = csrf_token(csrf_client, url)
    assert csrf_client.post(url, data={"lock": draft.version, "csrf_token": token}).status_code == 303


@pytest.fixture
def public_with_programme(fest):
    """Version 1 with 10 screenings: the programme "Night sky" (Starry Sky and Film A; at most twice, as
    Starry Sky) twice, B twice, C four times, D twice."""
    f = fest["films"]
    programme = shorts.create_programme(
        fest["edition"], title_en="Night sky", title_zh=None, entries=[f["zh"], f["a"]]
    )
    version = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    for day in (2, 3):
        db.session.add(
            Screening(timetable_id=version.id, programme_id=programme.id, theater_id=fest["dome"].id,
                      start=at(day, 10), end=at(day, 11, 2))
        )  # fmt: skip
    for day in (2, 3):
        screen(version, f["b"], fest["dome"], at(day, 11, 30))
    _giant_screen_films(fest, version)
    db.session.commit()
    publishing.publish(version, actor=None, lock=version.version, accept_warnings=True)
    db.session.commit()
    return version


def _programme_screenings(version) -> list[Screening]:
    return sorted((s for s in version.screenings if s.programme_id), key=lambda s: s.start)


def test_a_programmes_removed_screening_counts_once_not_once_per_film(
    client, auth, fest, public_with_programme
):
    draft = _copy(fest, public_with_programme)
    edits.remove_screening(_programme_screenings(draft)[0], actor=None, lock=None)  # 1 of 10: 10 %
    db.session.commit()
    changes = publishing.summary(draft)
    assert len(changes.diff.removed) == 2  # the change log names each of its two films
    assert changes.removed == 1 and not changes.needs_name
    publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
    assert draft.number == 2


def test_two_removed_programme_screenings_of_ten_need_the_name(client, auth, fest, public_with_programme):
    draft = _copy(fest, public_with_programme)
    for s in _programme_screenings(draft):  # 2 of 10: 20 %
        edits.remove_screening(s, actor=None, lock=None)
    db.session.commit()
    assert publishing.summary(draft).removed == 2
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}/publish").get_data(as_text=True)
    assert "This draft removes 2 of the 10 public screenings (20 %)" in page
    with pytest.raises(NameNotConfirmed):
        publishing.publish(draft, actor=None, lock=None, accept_warnings=True)
