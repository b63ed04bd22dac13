"""Decisions: who decides, what the timetable needs, bulk decisions, release, letters and status page."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from festival.audit import history
from festival.errors import InvalidInput, InvalidTransition, NotAllowed
from festival.extensions import db
from festival.models import Decision, OutboxMail
from festival.models.enums import DecisionOutcome, EntryStatus
from festival.review import decisions, letters, queries
from festival.review.decisions import DecisionInput
from tests.conftest import csrf_token, log_in

ACCEPT = {
    "outcome": "accepted", "min_screenings": "2", "max_screenings": "4", "max_per_day": "1", "copies": "1",
    "popularity": "300", "version": "0",
}  # fmt: skip


def _decide(world, entry, actor=None, **values):
    values.setdefault("outcome", DecisionOutcome.ACCEPTED)
    if values["outcome"] == DecisionOutcome.ACCEPTED:
        values = {"min_screenings": 2, "max_screenings": 4, "popularity": 250, **values}
    decision = decisions.save_decision(
        entry, DecisionInput(**values), actor=actor or world.staff, expected_version=None
    )
    db.session.commit()
    return decision


def _errors(world, entry, **values):
    with pytest.raises(InvalidInput) as info:
        _decide(world, entry, **values)
    db.session.rollback()
    return info.value.errors


def test_the_panel_lead_and_staff_decide_other_curators_do_not(world, client, auth):
    auth.login_as(world.curator)  # a member of the dome panel, not its lead
    assert client.get(f"/review/entries/{world.e1.id}/decision").status_code == 403
    assert client.post(f"/review/entries/{world.e1.id}/decision", data=ACCEPT).status_code == 403
    auth.login_as(world.lead)
    assert client.post(f"/review/entries/{world.e1.id}/decision", data=ACCEPT).status_code == 303
    decision = queries.decision_of(world.e1)
    assert (decision.outcome, decision.min_screenings, decision.max_screenings, decision.popularity) == (
        DecisionOutcome.ACCEPTED, 2, 4, 300,
    )  # fmt: skip
    assert decision.released_at is None and decision.decided_by_id == world.lead.id
    # The lead of the dome panel does not decide the giant-screen entry (general panel).
    assert client.get(f"/review/entries/{world.e2.id}/decision").status_code == 404
    auth.login_as(world.staff)
    assert client.post(f"/review/entries/{world.e2.id}/decision", data=ACCEPT).status_code == 303


def test_accepted_decision_is_checked_as_the_timetable_reads_it(world):
    assert set(_errors(world, world.e1, min_screenings=None, max_screenings=None, popularity=None)) == {
        "min_screenings", "max_screenings", "popularity",
    }  # fmt: skip
    # the solver's reader refuses a minimum above the maximum, next to the minimum it names
    above = _errors(world, world.e1, min_screenings=5, max_screenings=3)
    assert [str(m) for m in above["min_screenings"]] == [
        "The minimum, 5 screenings, is above the maximum, 3."
    ]
    assert "min_screenings" in _errors(world, world.e1, min_screenings=-1)
    assert "popularity" in _errors(world, world.e1, popularity=-5)
    assert "copies" in _errors(world, world.e1, copies=0)
    assert "not_before" in _errors(world, world.e1, not_before=date(2031, 3, 31))
    assert "not_after" in _errors(world, world.e1, not_after=date(2031, 6, 1))
    assert "not_after" in _errors(world, world.e1, not_before=date(2031, 5, 2), not_after=date(2031, 5, 1))
    # Ten screenings at one a day cannot fit in three days.
    too_many = _errors(
        world,
        world.e1,
        min_screenings=10,
        max_screenings=10,
        not_before=date(2031, 5, 1),
        not_after=date(2031, 5, 3),
    )
    assert "min_screenings" in too_many
    assert queries.decision_of(world.e1) is None
    ok = _decide(
        world, world.e1, not_before=date(2031, 4, 1), not_after=date(2031, 5, 31), copies=2, max_per_day=2
    )
    assert (ok.not_before, ok.copies, ok.max_per_day) == (date(2031, 4, 1), 2, 2)


def test_required_features_must_exist_in_a_theater_for_the_format(world, make):
    venue = make.venue(world.edition)
    make.theater(venue, formats=["dome"], features=["fulldome"])
    make.theater(venue, formats=["4d"], features=["motion_seats"])
    assert "requires" in _errors(world, world.e1, requires=["motion_seats"])
    assert "requires" in _errors(world, world.e1, requires=["Bad Feature!"])
    assert _decide(world, world.e1, requires=["fulldome"]).requires == ["fulldome"]


def test_rejection_clears_screening_details(world):
    decision = _decide(world, world.e1, outcome=DecisionOutcome.REJECTED, min_screenings=3, popularity=9)
    assert (decision.min_screenings, decision.max_screenings, decision.popularity) == (None, None, None)


def test_decision_changes_are_audited_with_old_and_new_values(world, client, auth):
    decision = _decide(world, world.e1)
    decisions.save_decision(
        world.e1, DecisionInput(outcome="accepted", min_screenings=2, max_screenings=6, popularity=250),
        actor=world.lead, expected_version=decision.version,
    )  # fmt: skip
    db.session.commit()
    change = next(e for e in history(decision) if e.field == "max_screenings" and e.old_value == "4")
    assert (change.new_value, change.actor_id) == ("6", world.lead.id)
    auth.login_as(world.staff)
    assert "decision.save" in client.get(f"/review/entries/{world.e1.id}/decision").get_data(as_text=True)


def test_release_sets_status_stamps_decision_and_mails_each_filmmaker_in_their_language(world, client, auth):
    accepted = _decide(world, world.e1)
    waitlisted = _decide(world, world.e2, outcome=DecisionOutcome.WAITLISTED)
    assert queries.released_decision(world.e1) is None
    auth.login_as(world.staff)
    page = client.get(f"/review/staff/release?edition={world.edition.id}").get_data(as_text=True)
    assert world.filmmaker.email in page and "冰卫星之旅" in page
    response = client.post(
        f"/review/staff/release?edition={world.edition.id}",
        data={"confirm": "y", "decision_ids": [str(accepted.id), str(waitlisted.id)]},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert world.e1.status == EntryStatus.ACCEPTED and world.e2.status == EntryStatus.WAITLISTED
    assert queries.released_decision(world.e1).id == accepted.id
    mails = {m.subject: m for m in db.session.scalars(sa.select(OutboxMail))}
    assert len(mails) == 2
    english = next(m for m in mails.values() if "Northern Lights Above Us" in m.subject)
    assert english.recipient == world.filmmaker.email and "selected" in english.subject
    assert "2–4 screenings" in english.body and world.e1.reference in english.body
    chinese = next(m for m in mails.values() if "冰卫星之旅" in m.subject)  # e2 is a Chinese-language entry
    assert "候补名单" in chinese.subject and "第十一届科技单元" in chinese.body
    # Releasing again changes nothing and sends nothing.
    client.post(
        f"/review/staff/release?edition={world.edition.id}",
        data={"confirm": "y", "decision_ids": [str(accepted.id)]},
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 2


def test_release_uses_the_edited_letter(world):
    letters.save_template(
        world.edition, kind="decision_rejected", language="en", subject="Decision on {title}",
        body="Dear {filmmaker}, sorry about {reference}.", actor=world.staff, expected_version=0,
    )  # fmt: skip
    decision = _decide(world, world.e3, outcome=DecisionOutcome.REJECTED)
    report = decisions.release_decisions(world.edition, [decision.id], actor=world.staff)
    db.session.commit()
    mail = db.session.scalar(sa.select(OutboxMail))
    assert [d.id for d in report.released] == [decision.id]
    assert mail.subject == "Decision on Ride the Solar Wind"
    assert mail.body.strip() == f"Dear Lena Fischer, sorry about {world.e3.reference}."
    assert mail.kind == "decision_rejected"


def test_letter_with_unknown_placeholder_is_refused(world, client, auth):
    auth.login_as(world.staff)
    url = f"/review/staff/letters/decision_accepted/en?edition={world.edition.id}"
    response = client.post(url, data={"subject": "Hi {titel}", "body": "Dear {filmmaker}", "version": 0})
    assert response.status_code == 422
    assert "Unknown placeholders: {titel}." in response.get_data(as_text=True)
    assert letters.stored_template(world.edition, "decision_accepted", "en") is None


def test_release_skips_a_withdrawn_entry(world):
    decision = _decide(world, world.e1)
    world.e1.status = EntryStatus.WITHDRAWN
    db.session.commit()
    report = decisions.release_decisions(world.edition, [decision.id], actor=world.staff)
    db.session.commit()
    assert report.released == [] and len(report.skipped) == 1
    assert queries.released_decision(world.e1) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_released_decision_is_locked_for_the_lead_and_only_a_waitlisted_film_changes_outcome(world):
    waitlisted = _decide(world, world.e1, outcome=DecisionOutcome.WAITLISTED)
    decisions.release_decisions(world.edition, [waitlisted.id], actor=world.staff)
    db.session.commit()
    with pytest.raises(NotAllowed):
        _decide(world, world.e1, actor=world.lead)
    db.session.rollback()
    # Staff promote the waitlisted film: the decision becomes a draft to release (and announce) again.
    promoted = _decide(world, world.e1)
    assert promoted.released_at is None and world.e1.status == EntryStatus.WAITLISTED
    decisions.release_decisions(world.edition, [promoted.id], actor=world.staff)
    db.session.commit()
    assert world.e1.status == EntryStatus.ACCEPTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 2
    # An accepted film keeps its outcome; staff may still adjust its screenings.
    with pytest.raises(InvalidTransition):
        _decide(world, world.e1, outcome=DecisionOutcome.REJECTED)
    db.session.rollback()
    adjusted = _decide(world, world.e1, max_screenings=8)
    assert adjusted.max_screenings == 8 and adjusted.released_at is not None


def test_bulk_decision_from_the_ranking(world, client, auth):
    _decide(world, world.e3, outcome=DecisionOutcome.WAITLISTED, not_before=date(2031, 4, 10))
    auth.login_as(world.lead)
    url = f"/review/ranking/decide?edition={world.edition.id}&panel={world.dome.id}"
    version = queries.decision_of(world.e3).version
    data = {
        "outcome": "accepted", "min_screenings": "1", "max_screenings": "3", "popularity": "120",
        "entry_ids": [str(world.e1.id), str(world.e3.id)], f"version_{world.e1.id}": "0",
        f"version_{world.e3.id}": str(version),
    }  # fmt: skip
    assert client.post(url, data=data).status_code == 303
    db.session.expire_all()
    first, third = queries.decision_of(world.e1), queries.decision_of(world.e3)
    assert (first.outcome, first.max_screenings, first.popularity) == (DecisionOutcome.ACCEPTED, 3, 120)
    assert third.outcome == DecisionOutcome.ACCEPTED and third.not_before == date(2031, 4, 10)
    # The lead of the dome panel cannot bulk-decide the general panel's entry.
    other = f"/review/ranking/decide?edition={world.edition.id}&panel={world.general.id}"
    assert client.post(other, data={**data, "entry_ids": [str(world.e2.id)]}).status_code == 403


def test_invalid_bulk_decision_saves_nothing(world):
    with pytest.raises(InvalidInput):
        decisions.bulk_decide(
            [world.e1, world.e3], outcome=DecisionOutcome.ACCEPTED, min_screenings=5, max_screenings=2,
            popularity=10, actor=world.staff, expected_versions={},
        )  # fmt: skip
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


def test_decision_form_posts_with_a_real_csrf_token(csrf_world, csrf_client):
    world = csrf_world
    log_in(csrf_client, world.staff)
    url = f"/review/entries/{world.e1.id}/decision"
    token = csrf_token(csrf_client, url)
    assert csrf_client.post(url, data={**ACCEPT, "csrf_token": token}).status_code == 303
    assert queries.decision_of(world.e1).popularity == 300
    release_url = f"/review/staff/release?edition={world.edition.id}"
    token = csrf_token(csrf_client, release_url)
    decision_id = str(queries.decision_of(world.e1).id)
    response = csrf_client.post(
        release_url, data={"csrf_token": token, "confirm": "y", "decision_ids": decision_id}
    )
    assert response.status_code == 303
    assert queries.released_decision(world.e1) is not None


@pytest.mark.parametrize("garbled", ["²", "9" * 5000])
def test_garbled_entry_ids_of_a_bulk_decision_are_no_entries(world, client, auth, garbled):
    """str.isdigit() took "²" (and 5,000 digits), int() then failed: a 500."""
    auth.login_as(world.staff)
    url = f"/review/ranking/decide?edition={world.edition.id}"
    data = {"outcome": "accepted", "min_screenings": "1", "max_screenings": "3", "popularity": "120"}
    response = client.post(url, data={**data, "entry_ids": [garbled]})
    assert response.status_code == 303
    assert "Select at least one entry" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Decision)) == 0


@pytest.mark.parametrize("garbled", ["²", "9" * 5000])
def test_garbled_decision_ids_of_a_release_are_no_decisions(world, client, auth, garbled):
    _decide(world, world.e1)
    db.session.commit()
    auth.login_as(world.staff)
    url = f"/review/staff/release?edition={world.edition.id}"
    response = client.post(url, data={"confirm": "y", "decision_ids": [garbled]})
    assert response.status_code == 303
    assert "Select at least one decision" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert queries.released_decision(world.e1) is None
