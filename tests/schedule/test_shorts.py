"""Shorts programmes, staff side: the proposal for an edition's accepted short films, and every edit checked
in words (format, features, audience, length), through the services and the pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from festival.errors import DomainError
from festival.extensions import db
from festival.models import Decision, Screening, ShortsProgramme, TimetableVersion
from festival.models.enums import Role, VersionStatus
from festival.schedule import shorts
from tests.conftest import Auth, csrf_token
from tests.schedule.conftest import at


def _programmes(edition):
    return shorts.programmes_of(edition)


def test_propose_groups_the_accepted_short_films(fest):
    edition, f = fest["edition"], fest["films"]
    proposal = shorts.propose(edition)
    # threshold 30: A (30) and Starry Sky (30) are the dome's shorts: 30 + 2 + 30 = 62 minutes
    assert [sorted(e.id for e in p.films) for p in proposal.programmes] == [sorted([f["a"].id, f["zh"].id])]
    assert proposal.left_out == [] and proposal.optimal
    programme = proposal.programmes[0]
    assert (programme.title_en, programme.title_zh) == ("Shorts programme 1", "短片单元 1")
    assert shorts.minutes_of(programme, edition) == 62
    # a second proposal leaves the programme alone and finds nothing else to group
    assert shorts.propose(edition).programmes == []
    assert len(_programmes(edition)) == 1


def test_films_left_out_say_why(fest):
    edition, f = fest["edition"], fest["films"]
    shorts.update_settings(edition, threshold=50, minimum=60, maximum=75, gap=2)
    proposal = shorts.propose(edition)
    assert len(proposal.programmes) == 1  # two of the three dome films (A 30, B 40, Starry Sky 30)
    reasons = {e.id: words for e, words in proposal.left_out}
    assert "45 minutes together, less than the 60-minute minimum" in reasons[f["c"].id]  # the only giant film
    assert "50 minutes together" in reasons[f["d"].id]
    dome_left = [e for e in (f["a"], f["b"], f["zh"]) if e.id in reasons]
    assert len(dome_left) == 1
    assert "No programme within the length limits had room for it" in reasons[dome_left[0].id]
    waiting = dict(shorts.waiting_shorts(edition))
    assert waiting[f["c"]] == reasons[f["c"].id]
    # once its two fellows are grouped, the dome film left is alone among the films in no programme
    assert "together, less than the 60-minute minimum" in waiting[dome_left[0]]


def test_edits_are_checked_in_words(fest):
    edition, f = fest["edition"], fest["films"]
    shorts.update_settings(edition, threshold=50, minimum=60, maximum=75, gap=2)
    programme = shorts.create_programme(
        edition, title_en="Night sky", title_zh="夜空", entries=[f["a"], f["zh"]], note_en="Stars."
    )
    with pytest.raises(DomainError, match="A programme screens in one format"):
        shorts.add_film(programme, f["c"])
    with pytest.raises(DomainError, match="would run 104 minutes .* longer than the 75-minute maximum"):
        shorts.add_film(programme, f["b"])
    with pytest.raises(DomainError, match="shorter than the 60-minute minimum"):
        shorts.remove_film(programme, f["a"])
    with pytest.raises(DomainError, match="is already in this programme"):
        shorts.add_film(programme, f["a"])
    with pytest.raises(DomainError, match="is already in the programme “Night sky”"):
        shorts.create_programme(edition, title_en="Other", title_zh=None, entries=[f["a"], f["b"]])
    shorts.move_film(programme, f["zh"], -1)
    assert [e.id for e in programme.films] == [f["zh"].id, f["a"].id]
    shorts.rename(programme, title_en="Night Sky", title_zh="星空之夜", note_en=None, note_zh="群星。")
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(ShortsProgramme, programme.id)
    assert (again.title_en, again.title_zh, again.note_en, again.note_zh) == (
        "Night Sky",
        "星空之夜",
        None,
        "群星。",
    )
    assert [m.position for m in again.entries] == [0, 1]
    assert [e.id for e in again.films] == [f["zh"].id, f["a"].id]


def test_features_and_audiences_must_be_shared(fest):
    edition, f = fest["edition"], fest["films"]
    shorts.update_settings(edition, threshold=50, minimum=1, maximum=200, gap=0)
    f["a"].audiences = ["children"]
    f["zh"].audiences = ["general"]
    problems = shorts.problems_of([f["a"], f["zh"]], edition)
    assert [code for code, _words in problems] == ["no_common_audience"]
    assert "“Film A”: Children; “Starry Sky”: General audience" in problems[0][1]
    problems = shorts.problems_of([f["c"], f["d"]], edition)
    assert problems[0][1].startswith("A programme screens in one format")
    # the giant theater shows giant-screen films with 3d; a film needing "laser" too has no room
    decision = db.session.scalars(sa.select(Decision).where(Decision.entry_id == f["c"].id)).one()
    decision.requires = ["3d", "laser"]
    problems = shorts.problems_of([f["c"]], edition)
    assert problems == [("no_common_room", problems[0][1])]
    assert "(3d, laser)" in problems[0][1]


def test_settings_refuse_a_maximum_below_the_minimum(fest):
    with pytest.raises(DomainError) as refused:
        shorts.update_settings(fest["edition"], threshold=30, minimum=90, maximum=60, gap=2)
    assert "below the minimum" in str(refused.value.errors["maximum"][0])


def test_a_programme_screened_in_a_published_version_keeps_its_films(fest):
    edition, f = fest["edition"], fest["films"]
    programme = shorts.create_programme(
        edition, title_en="Night sky", title_zh=None, entries=[f["a"], f["zh"]]
    )
    version = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    db.session.add(
        Screening(timetable_id=version.id, programme_id=programme.id, theater_id=fest["dome"].id,
                  start=at(2, 10), end=at(2, 11, 2))
    )  # fmt: skip
    db.session.flush()
    shorts.move_film(programme, f["zh"], -1)  # a draft's screening does not stop an edit
    shorts.update_settings(edition, threshold=30, minimum=60, maximum=90, gap=5)
    shorts.move_film(programme, f["zh"], 1)
    draft_screening = db.session.scalars(
        sa.select(Screening).where(Screening.programme_id == programme.id)
    ).one()
    assert draft_screening.end == at(2, 11, 5)  # 30 + 5 + 30 minutes: the draft's screening follows
    version.status, version.number, version.published_at = VersionStatus.PUBLISHED, 1, at(1, 9)
    db.session.flush()
    with pytest.raises(DomainError, match="published timetable"):
        shorts.move_film(programme, f["zh"], 1)
    with pytest.raises(DomainError, match="published timetable"):
        shorts.delete_programme(programme)


def test_a_screening_shows_a_film_or_a_programme_never_both_nor_neither(fest):
    edition, f = fest["edition"], fest["films"]
    programme = shorts.create_programme(edition, title_en="P", title_zh=None, entries=[f["a"], f["zh"]])
    version = TimetableVersion(edition_id=edition.id, status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    for item in ({"entry_id": f["a"].id, "programme_id": programme.id}, {}):
        with db.session.begin_nested(), pytest.raises(sa.exc.IntegrityError):
            db.session.add(
                Screening(timetable_id=version.id, theater_id=fest["dome"].id, start=at(2, 10), end=at(2, 11),
                          **item)
            )  # fmt: skip
            db.session.flush()


# ---------------------------------------------------------------- the pages


def test_staff_propose_and_edit_on_the_pages(csrf_client, fest):
    edition, f = fest["edition"], fest["films"]
    Auth(csrf_client).login_as(fest["staff"])
    home = f"/staff/timetable/shorts?edition={edition.slug}"
    page = csrf_client.get(home)
    assert page.status_code == 200 and "Film A" in page.get_data(as_text=True)
    token = csrf_token(csrf_client, home)
    assert csrf_client.post(f"/staff/timetable/shorts/propose?edition={edition.slug}").status_code == 400
    response = csrf_client.post(
        f"/staff/timetable/shorts/propose?edition={edition.slug}", data={"csrf_token": token}
    )
    assert response.status_code == 303
    page = csrf_client.get(home, follow_redirects=True).get_data(as_text=True)
    assert "1 programme proposed." in page and "Shorts programme 1" in page
    programme = _programmes(edition)[0]
    url = f"/staff/timetable/shorts/{programme.id}"
    token = csrf_token(csrf_client, url)
    refused = csrf_client.post(
        f"{url}/films/{f['a'].id}/remove", data={"csrf_token": token}, follow_redirects=True
    )
    assert "shorter than the 60-minute minimum" in refused.get_data(as_text=True)
    response = csrf_client.post(
        url,
        data={"csrf_token": token, "title_en": "Night sky", "title_zh": "夜空", "note_en": "", "note_zh": ""},
    )
    assert response.status_code == 303
    zh = csrf_client.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert "夜空" in zh
    response = csrf_client.post(f"{url}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert _programmes(edition) == []


def test_a_new_programme_of_incompatible_films_is_refused_in_words(client, auth, fest):
    edition, f = fest["edition"], fest["films"]
    shorts.update_settings(edition, threshold=50, minimum=60, maximum=200, gap=2)
    db.session.commit()
    auth.login_as(fest["staff"])
    response = client.post(
        f"/staff/timetable/shorts?edition={edition.slug}",
        data={"title_en": "Mixed", "films": [f["a"].id, f["c"].id]},
    )
    assert response.status_code == 422
    assert "A programme screens in one format" in response.get_data(as_text=True)
    assert _programmes(edition) == []


@pytest.mark.parametrize("role", [Role.FILMMAKER, Role.CURATOR])
def test_only_staff_reach_the_shorts_pages(client, auth, fest, make, role):
    edition, f = fest["edition"], fest["films"]
    programme = shorts.create_programme(edition, title_en="P", title_zh=None, entries=[f["a"], f["zh"]])
    user = make.user(role=role)
    db.session.commit()
    auth.login_as(user)
    assert client.get(f"/staff/timetable/shorts?edition={edition.slug}").status_code == 403
    assert client.get(f"/staff/timetable/shorts/{programme.id}").status_code == 403
    assert client.post(f"/staff/timetable/shorts/{programme.id}/delete").status_code == 403
    assert db.session.get(ShortsProgramme, programme.id) is not None
