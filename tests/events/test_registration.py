"""Registration for events: seats, the waiting list and its promotion, the mails, cancellation, and the
capacity held by the database under concurrency (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from festival.events import registrations
from festival.extensions import db
from festival.models import Event, EventRegistration, OutboxMail
from festival.models.enums import RegistrationStatus
from tests.events.test_programme import forum  # noqa: F401
from tests.programme.conftest import published  # noqa: F401
from tests.schedule.conftest import draft, fest, request_context  # noqa: F401

CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def _visitor(make, n: int):
    return make.user(role="visitor", email=f"visitor{n}@example.org")


def _mails(to: str) -> list[OutboxMail]:
    return list(
        db.session.scalars(sa.select(OutboxMail).where(OutboxMail.recipient == to).order_by(OutboxMail.id))
    )


def test_seats_then_the_waiting_list_then_promotion_when_someone_cancels(client, auth, make, forum):  # noqa: F811
    event = forum["event"]
    url = f"/programme/{forum['slug']}/event/{event.id}"
    visitors = [_visitor(make, n) for n in range(3)]
    db.session.commit()
    for visitor in visitors:
        auth.login_as(visitor)
        assert client.post(f"{url}/register").status_code == 303
        auth.logout()
    statuses = {r.user_id: r.status for r in db.session.scalars(sa.select(EventRegistration))}
    assert [statuses[v.id] for v in visitors] == [CONFIRMED, CONFIRMED, WAITING]
    db.session.refresh(event)
    assert event.seats_taken == 2
    assert "Your seat" in _mails(visitors[0].email)[0].subject
    assert "Waiting list" in _mails(visitors[2].email)[0].subject
    assert "number 1 on the waiting list" in _mails(visitors[2].email)[0].body
    # the third sees their place; the first cancels and the third is promoted (and told)
    auth.login_as(visitors[2])
    assert "number 1 on the waiting list" in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login_as(visitors[0])
    assert client.post(f"{url}/cancel").status_code == 303
    statuses = {r.user_id: r.status for r in db.session.scalars(sa.select(EventRegistration))}
    assert [statuses[v.id] for v in visitors] == [CANCELLED, CONFIRMED, CONFIRMED]
    db.session.refresh(event)
    assert event.seats_taken == 2
    assert "Your seat" in _mails(visitors[2].email)[-1].subject
    # registering again after cancelling joins the queue again (nobody waits, but the event is full)
    assert client.post(f"{url}/register").status_code == 303
    assert registrations.registration_of(event, visitors[0]).status == WAITING


def test_a_cancelled_seat_with_nobody_waiting_is_free_again(make, forum):  # noqa: F811
    event, visitor = forum["event"], _visitor(make, 9)
    registration = registrations.register(event, visitor)
    assert event.seats_taken == 1
    registrations.cancel(registration)
    assert event.seats_taken == 0 and registration.status == CANCELLED


def test_registering_twice_keeps_one_seat(make, forum):  # noqa: F811
    event, visitor = forum["event"], _visitor(make, 8)
    first = registrations.register(event, visitor)
    assert registrations.register(event, visitor) is first and event.seats_taken == 1


def test_registration_needs_a_confirmed_address_and_an_event_that_takes_it(client, auth, make, forum):  # noqa: F811
    event = forum["event"]
    unconfirmed = make.user(role="visitor", email="new@example.org")
    unconfirmed.email_confirmed_at = None
    db.session.commit()
    auth.login_as(unconfirmed)
    client.post(f"/programme/{forum['slug']}/event/{event.id}/register")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventRegistration)) == 0
    auth.logout()
    assert client.post(f"/programme/{forum['slug']}/event/{event.id}/register").status_code in (302, 401)
    event.registration_required = False
    db.session.commit()
    with pytest.raises(registrations.InvalidTransition):
        registrations.register(event, _visitor(make, 7))


def test_the_database_refuses_more_seats_than_the_capacity(forum):  # noqa: F811
    event = forum["event"]
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.update(Event).where(Event.id == event.id).values(seats_taken=event.capacity + 1)
        )
        db.session.flush()
    db.session.rollback()


def _in_threads(app, work, args: list, barrier: threading.Barrier) -> list[BaseException]:
    errors: list[BaseException] = []

    def run(arg) -> None:
        try:
            with app.app_context(), app.test_request_context("/"):
                barrier.wait()
                work(arg)
                db.session.commit()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(arg,)) for arg in args]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


@pytest.mark.postgres
def test_simultaneous_registrations_never_overbook_and_the_rest_wait(app, database_url, make, forum):  # noqa: F811
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises writers anyway")
    event_id = forum["event"].id
    ids = [_visitor(make, 100 + n).id for n in range(10)]
    db.session.commit()
    db.session.remove()

    def register(user_id: int) -> None:
        registrations.register(db.session.get(Event, event_id), db.session.get(registrations.User, user_id))

    assert _in_threads(app, register, ids, threading.Barrier(len(ids), timeout=30)) == []
    rows = list(
        db.session.scalars(sa.select(EventRegistration).where(EventRegistration.event_id == event_id))
    )
    assert sorted(r.status for r in rows).count(CONFIRMED) == 2
    assert [r.status for r in rows].count(WAITING) == 8
    assert db.session.get(Event, event_id).seats_taken == 2


@pytest.mark.postgres
def test_simultaneous_cancellations_promote_different_visitors(app, database_url, make, forum):  # noqa: F811
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises writers anyway")
    event = forum["event"]
    visitors = [_visitor(make, 200 + n) for n in range(5)]
    held = [registrations.register(event, v).id for v in visitors]  # two seats, three waiting
    db.session.commit()
    event_id = event.id
    db.session.remove()

    def cancel(registration_id: int) -> None:
        registrations.cancel(db.session.get(EventRegistration, registration_id))

    assert _in_threads(app, cancel, held[:2], threading.Barrier(2, timeout=30)) == []
    rows = {r.id: r.status for r in db.session.scalars(sa.select(EventRegistration))}
    assert [rows[i] for i in held] == [CANCELLED, CANCELLED, CONFIRMED, CONFIRMED, WAITING]
    assert db.session.get(Event, event_id).seats_taken == 2
