"""Manual edits of a draft: every hard rule an edit would break is refused in words, nothing is saved."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from festival.extensions import db
from festival.models import AuditEvent, Screening, TimetableVersion
from festival.models.enums import VersionStatus
from festival.schedule import edits, problems, versions
from tests.conftest import csrf_token
from tests.factories import TZ
from tests.schedule.conftest import at, screen


def _rows(version: TimetableVersion) -> list[tuple]:
    """The draft's screenings as they are in the database (after a rollback)."""
    db.session.rollback()
    stmt = sa.select(Screening.entry_id, Screening.theater_id, Screening.start, Screening.pinned).where(
        Screening.timetable_id == version.id
    )
    return sorted(tuple(row) for row in db.session.execute(stmt))


def _screening(version, entry) -> Screening:
    return db.session.scalars(
        sa.select(Screening).where(Screening.timetable_id == version.id, Screening.entry_id == entry.id)
    ).first()


def _refused(draft, edit, rule: str, *words: str) -> list[problems.Problem]:
    """Run an edit that must be refused for ``rule``; check the words and that nothing was saved."""
    before, lock = _rows(draft), draft.version
    with pytest.raises(versions.EditRejected) as caught:
        edit()
    problems = caught.value.problems
    assert rule in {p.rule for p in problems}, [p.as_dict() for p in problems]
    text = " ".join(p.message for p in problems if p.rule == rule)
    for word in words:
        assert word in text
    assert all(p.kind == "hard_rule" and p.blocking for p in problems)
    assert _rows(draft) == before
    db.session.refresh(draft)
    assert draft.version == lock
    return problems


def _move(fest, draft, key, theater, start):
    s = _screening(draft, fest["films"][key])
    return lambda: edits.move_screening(s, theater=fest[theater], start=start, actor=fest["staff"], lock=None)


def _add(fest, draft, key, theater, start, pinned=False):
    return lambda: edits.add_screening(
        draft, entry=fest["films"][key], theater=fest[theater], start=start, actor=fest["staff"], lock=None,
        pinned=pinned,
    )  # fmt: skip


# ---------------------------------------------------------------- each hard rule


def test_adding_a_film_that_is_not_accepted_is_refused(fest, draft):
    _refused(
        draft,
        _add(fest, draft, "rejected", "dome", at(2, 14)),
        "known ids",
        "“Film R” is not an accepted film of this edition.",
    )


def test_moving_a_film_to_a_theater_without_its_format_is_refused(fest, draft):
    _refused(
        draft,
        _move(fest, draft, "a", "giant", at(2, 14)),
        "compatibility",
        "Giant Screen cannot show Fulldome (planetarium) films.",
    )


def test_adding_a_film_to_a_theater_without_a_required_feature_is_refused(fest, draft, make):
    flat = make.theater(fest["venue"], code="flat", name="Flat Screen", formats=["giant_screen"], features=[])
    db.session.commit()
    fest["flat"] = flat
    _refused(
        draft,
        _add(fest, draft, "c", "flat", at(4, 14)),
        "compatibility",
        "Flat Screen lacks 3d, which “Film C” needs.",
    )


def test_moving_outside_the_festival_window_is_refused(fest, draft):
    late = datetime(2031, 4, 16, 10, 0, tzinfo=TZ)
    _refused(
        draft,
        _move(fest, draft, "a", "dome", late),
        "window",
        "the festival runs from Tue, Apr 1 to Mon, Apr 14.",
    )


def test_adding_a_film_before_its_first_date_is_refused(fest, draft):
    _refused(
        draft,
        _add(fest, draft, "d", "giant", at(4, 14)),
        "window",
        "“Film D” may not be shown before Sat, Apr 5.",
    )


def test_moving_before_opening_time_is_refused(fest, draft):
    _refused(
        draft,
        _move(fest, draft, "a", "dome", at(2, 9)),
        "opening hours",
        "Museum is open 09:30–17:00 on Wed, Apr 2; the screening would run 09:00–09:30.",
    )


def test_moving_past_closing_time_is_refused(fest, draft):
    _refused(draft, _move(fest, draft, "b", "dome", at(2, 16, 30)), "opening hours", "would run 16:30–17:10")


def test_moving_to_a_closed_monday_is_refused(fest, draft):
    _refused(
        draft, _move(fest, draft, "a", "dome", at(7, 10)), "opening hours", "Museum is closed on Mondays."
    )


def test_moving_into_a_theater_block_is_refused(fest, draft):
    _refused(
        draft,
        _move(fest, draft, "c", "giant", at(3, 11)),
        "opening hours",
        "Giant Screen is blocked from Thu, Apr 3 09:30 to 12:00 (Academic forum).",
    )


def test_a_start_off_the_theaters_step_is_refused(fest, draft):
    _refused(
        draft,
        _move(fest, draft, "a", "dome", at(2, 14, 5)),
        "start step",
        "on its 15-minute step (14:00 or 14:15), not at 14:05",
    )


def test_a_start_inside_the_changeover_is_refused(fest, draft):
    # A ends at 10:30; the dome needs 15 minutes before the next start, so 10:35 is too early
    problems = _refused(draft, _move(fest, draft, "b", "dome", at(2, 10, 30)), "one screening at a time")
    assert problems[0].message == (
        "“Film B”, Dome, Wed, Apr 2 10:30: “Film A” is already showing in Dome until 10:30; "
        "with the 15-minute changeover the next screening can start at 10:45."
    )


def test_moving_one_screening_can_break_the_rule_of_another(fest, draft):
    # A moved to 10:45 ends at 11:15: B's 11:00 start (unchanged) no longer leaves the changeover
    problems = _refused(draft, _move(fest, draft, "a", "dome", at(2, 10, 45)), "one screening at a time")
    message = next(p.message for p in problems if p.rule == "one screening at a time")
    assert message.startswith(
        "“Film B”, Dome, Wed, Apr 2 11:00: “Film A” is already showing in Dome until 11:15"
    )
    assert set(problems[0].refs) == {f"film:{fest['films']['a'].id}", f"film:{fest['films']['b'].id}"}


def test_two_screenings_of_a_film_with_one_copy_cannot_overlap(fest, draft):
    _refused(
        draft,
        _add(fest, draft, "a", "dome2", at(2, 10, 15)),
        "copies",
        "“Film A” has 1 copy, but 2 screenings would run at once at Wed, Apr 2 10:15.",
    )


def test_a_film_cannot_get_more_than_its_maximum(fest, draft):
    screen(draft, fest["films"]["b"], fest["dome"], at(3, 11))
    db.session.commit()
    _refused(
        draft,
        _add(fest, draft, "b", "dome", at(4, 11)),
        "counts",
        "“Film B” would have 3 screenings; it may have 2 at most.",
    )


def test_a_film_cannot_get_more_screenings_a_day_than_allowed(fest, draft):
    _refused(
        draft,
        _add(fest, draft, "b", "dome", at(2, 15)),
        "counts",
        "“Film B” would be shown 2 times on Wed, Apr 2; it may be shown 1 time a day.",
    )


def test_a_pinned_screening_cannot_be_moved_or_removed(fest, draft):
    a = _screening(draft, fest["films"]["a"])
    edits.set_pinned(a, True, actor=fest["staff"], lock=draft.version)
    db.session.commit()
    _refused(
        draft,
        _move(fest, draft, "a", "dome", at(2, 14)),
        "pinned",
        "“Film A”, Dome, Wed, Apr 2 10:00: it is pinned",
    )
    a = _screening(draft, fest["films"]["a"])
    _refused(draft, lambda: edits.remove_screening(a, actor=None, lock=None), "pinned", "unpin it first")


def test_messages_name_films_and_theaters_not_solver_ids(fest, draft):
    problems = _refused(draft, _move(fest, draft, "a", "giant", at(2, 9)), "compatibility")
    text = " ".join(p.message for p in problems)
    assert "Film A" in text and "Giant Screen" in text and "Wed, Apr 2 09:00" in text
    assert f"e{fest['films']['a'].id}" not in text and "giant " not in text and "T09:00" not in text


# ---------------------------------------------------------------- edits that are kept


def test_a_valid_move_changes_theater_time_end_and_expected_attendance(fest, draft):
    a = _screening(draft, fest["films"]["a"])
    lock = draft.version
    edits.move_screening(a, theater=fest["dome2"], start=at(5, 14), actor=fest["staff"], lock=lock)
    db.session.commit()
    db.session.refresh(a)
    assert (a.theater_id, a.start, a.end) == (fest["dome2"].id, at(5, 14), at(5, 14, 30))
    # popularity 120 x Saturday 1.5 x afternoon 1.2 = 216, capped at the small dome's 80 seats
    assert a.expected_attendance == 80
    db.session.refresh(draft)
    assert draft.version == lock + 1
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "screening.moved")).one()
    assert event.actor_id == fest["staff"].id and "2031-04-05T14:00" in event.new_value


def test_adding_pinning_unpinning_and_removing_are_kept(fest, draft):
    s = edits.add_screening(
        draft, entry=fest["films"]["zh"], theater=fest["dome"], start=at(2, 14), actor=None, lock=None
    )
    db.session.commit()
    assert s.expected_attendance == 144 and not s.pinned
    edits.set_pinned(s, True, actor=None, lock=draft.version)
    db.session.commit()
    assert s.pinned
    edits.set_pinned(s, False, actor=None, lock=draft.version)
    edits.remove_screening(s, actor=None, lock=draft.version)
    db.session.commit()
    assert len(_rows(draft)) == 3


def test_an_older_problem_of_the_draft_does_not_block_unrelated_edits(fest, draft):
    # a block added after the draft was made now overlaps C; pinning A is still possible
    screen(draft, fest["films"]["b"], fest["dome2"], at(2, 11))  # two B the same day: a counts problem
    db.session.commit()
    a = _screening(draft, fest["films"]["a"])
    edits.set_pinned(a, True, actor=None, lock=None)
    db.session.commit()
    assert a.pinned


def test_an_outdated_lock_is_refused_and_nothing_is_saved(fest, draft):
    a = _screening(draft, fest["films"]["a"])
    before = _rows(draft)
    with pytest.raises(versions.StaleVersion):
        edits.move_screening(a, theater=fest["dome"], start=at(4, 14), actor=None, lock=draft.version - 1)
    assert _rows(draft) == before


def test_a_concurrent_change_of_the_same_draft_is_detected_at_write_time(fest, draft):
    a = _screening(draft, fest["films"]["a"])
    lock = draft.version
    with db.engine.begin() as conn:  # another staff member's edit commits meanwhile
        conn.execute(
            sa.update(TimetableVersion).where(TimetableVersion.id == draft.id).values(version=lock + 1)
        )
    with pytest.raises(versions.StaleVersion):
        edits.move_screening(a, theater=fest["dome"], start=at(4, 14), actor=None, lock=lock)


def test_a_published_version_is_frozen(fest, draft):
    draft.status, draft.number, draft.published_at = VersionStatus.PUBLISHED, 1, at(1, 9)
    db.session.commit()
    a = _screening(draft, fest["films"]["a"])
    with pytest.raises(versions.VersionFrozen):
        edits.set_pinned(a, True, actor=None, lock=None)
    with pytest.raises(versions.VersionFrozen):
        edits.add_screening(
            draft, entry=fest["films"]["zh"], theater=fest["dome"], start=at(4, 14), actor=None, lock=None
        )


# ---------------------------------------------------------------- through the web pages


def _url(draft, s, action=""):
    return f"/staff/timetable/versions/{draft.id}/screenings/{s.id}{action}"


def test_a_refused_move_shows_the_rule_in_words_and_saves_nothing(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    before = _rows(draft)
    response = client.post(
        _url(draft, a),
        data={"theater": fest["dome"].id, "day": "2031-04-02", "start": "10:35", "lock": draft.version},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Why the change was refused" in page
    assert "One screening at a time (changeover)" in page
    assert "“Film B”, Dome, Wed, Apr 2 11:00: “Film A” is already showing in Dome until 11:05" in page
    assert _rows(draft) == before


def test_a_move_with_a_malformed_time_is_refused_next_to_the_field(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    response = client.post(
        _url(draft, a),
        data={"theater": fest["dome"].id, "day": "2031-04-02", "start": "25:99", "lock": draft.version},
    )
    assert response.status_code == 422
    assert "Not a valid time value" in response.get_data(as_text=True)


def test_a_valid_move_through_the_page_goes_back_to_the_grid_of_that_day(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    response = client.post(
        _url(draft, a),
        data={"theater": fest["dome"].id, "day": "2031-04-04", "start": "14:00", "lock": draft.version},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/timetable/versions/{draft.id}?day=2031-04-04")
    db.session.refresh(a)
    assert a.start == at(4, 14)


def test_a_stale_page_gets_a_conflict_and_a_clear_message(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    response = client.post(_url(draft, a, "/pin"), data={"lock": draft.version - 1})
    assert response.status_code == 409
    assert "Someone else changed this draft since you opened it" in response.get_data(as_text=True)
    db.session.refresh(a)
    assert not a.pinned


def test_editing_a_published_version_through_the_page_is_forbidden(client, auth, fest, draft):
    draft.status, draft.number, draft.published_at = VersionStatus.PUBLISHED, 1, at(1, 9)
    db.session.commit()
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    response = client.post(_url(draft, a, "/remove"), data={"lock": draft.version})
    assert response.status_code == 403
    assert len(_rows(draft)) == 3


def test_adding_through_the_form_offers_only_accepted_films(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    page = client.get(f"/staff/timetable/versions/{draft.id}/screenings/new").get_data(as_text=True)
    assert "Film A" in page and "星空漫游" not in page and "Starry Sky" in page and "Film R" not in page
    response = client.post(
        f"/staff/timetable/versions/{draft.id}/screenings/new",
        data={
            "entry": fest["films"]["rejected"].id,
            "theater": fest["dome"].id,
            "day": "2031-04-04",
            "start": "14:00",
        },
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert len(_rows(draft)) == 3


def test_pinning_with_a_real_csrf_token(csrf_client, fest, draft):
    from tests.conftest import Auth

    Auth(csrf_client).login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    assert csrf_client.post(_url(draft, a, "/pin"), data={"lock": draft.version}).status_code == 400
    token = csrf_token(csrf_client, _url(draft, a))
    response = csrf_client.post(_url(draft, a, "/pin"), data={"lock": draft.version, "csrf_token": token})
    assert response.status_code == 303
    db.session.refresh(a)
    assert a.pinned


def test_edit_pages_are_for_staff_only(client, auth, fest, draft, make):
    a = _screening(draft, fest["films"]["a"])
    assert client.get(_url(draft, a)).status_code == 302  # to the login page
    auth.login_as(fest["owner"])
    assert client.get(_url(draft, a)).status_code == 403
    assert client.post(_url(draft, a, "/remove"), data={"lock": draft.version}).status_code == 403
    assert len(_rows(draft)) == 3


def test_a_screening_of_another_version_is_not_found(client, auth, fest, draft):
    auth.login_as(fest["staff"])
    other = TimetableVersion(edition_id=fest["edition"].id, status=VersionStatus.DRAFT)
    db.session.add(other)
    db.session.commit()
    a = _screening(draft, fest["films"]["a"])
    assert client.get(f"/staff/timetable/versions/{other.id}/screenings/{a.id}").status_code == 404


@pytest.mark.parametrize("lock", ["²", "9" * 5000, None], ids=["superscript two", "5,000 digits", "missing"])
def test_an_edit_without_a_readable_lock_is_refused(client, auth, fest, draft, lock):
    """str.isdigit() took "²", int() then failed (a 500); a missing lock skipped the lost-update check."""
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    response = client.post(_url(draft, a, "/pin"), data={} if lock is None else {"lock": lock})
    assert response.status_code == 400
    db.session.refresh(a)
    assert not a.pinned


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2032-06-30"])
def test_a_move_far_from_the_screening_window_is_refused_next_to_the_date(client, auth, fest, draft, day):
    """9999-12-31 23:59 raised "year 10000 is out of range" (a 500)."""
    auth.login_as(fest["staff"])
    a = _screening(draft, fest["films"]["a"])
    before = _rows(draft)
    response = client.post(
        _url(draft, a), data={"theater": fest["dome"].id, "day": day, "start": "23:59", "lock": draft.version}
    )
    assert response.status_code == 422
    assert "Must lie within a year of the screening window" in response.get_data(as_text=True)
    assert _rows(draft) == before
