"""Filmmakers submitting at the same moment get different references, and none is turned away
(real PostgreSQL)."""

from __future__ import annotations

import threading

import pytest

from festival.extensions import db
from festival.models import Entry
from festival.submissions import services
from tests.submissions.conftest import beijing

pytestmark = pytest.mark.postgres


def _submit_in_threads(app, ids: list[int], start: threading.Barrier | None = None) -> list[BaseException]:
    """Submit each entry from its own thread and session; the exceptions they raised."""
    errors: list[BaseException] = []

    def submit(entry_id: int) -> None:
        try:
            with app.app_context(), app.test_request_context("/"):
                entry = db.session.get(Entry, entry_id)
                if start is not None:
                    start.wait()
                services.submit_entry(
                    entry, actor=entry.owner, accept_terms=True, now=beijing(2031, 3, 10, 9, 0)
                )
                db.session.commit()
        except BaseException as exc:  # reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(entry_id,)) for entry_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def test_many_simultaneous_submissions_all_go_through_with_consecutive_numbers(
    app, database_url, complete_entry, make
):
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises writers anyway")
    count = 12  # more than allocate_reference's retries: without the edition lock some would fail
    ids = [complete_entry(owner=make.user(email=f"rush{n}@example.org")).id for n in range(count)]
    db.session.commit()
    db.session.remove()
    errors = _submit_in_threads(app, ids, threading.Barrier(count, timeout=30))
    assert errors == []
    numbers = sorted(db.session.get(Entry, entry_id).number for entry_id in ids)
    assert numbers == list(range(1, count + 1))


def test_a_collision_without_the_lock_is_retried_with_the_next_number(
    app, database_url, complete_entry, other_filmmaker, monkeypatch
):
    if database_url.startswith("sqlite"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL): SQLite serialises writers anyway")
    ids = [complete_entry().id, complete_entry(owner=other_filmmaker).id]
    monkeypatch.setattr(services, "_lock_numbering", lambda edition_id: None)  # the fallback alone
    db.session.remove()  # the threads must read committed rows through their own sessions
    real_next_number = services._next_number
    both_read = threading.Barrier(2, timeout=20)

    calls = []

    def racing_next_number(edition_id):
        number = real_next_number(edition_id)
        calls.append(number)
        if not getattr(local, "waited", False):
            local.waited = True
            both_read.wait()  # both threads have read max(number) = 0 before either writes
        return number

    local = threading.local()
    monkeypatch.setattr(services, "_next_number", racing_next_number)
    errors = _submit_in_threads(app, ids)
    assert errors == []
    numbers = sorted(db.session.get(Entry, entry_id).number for entry_id in ids)
    assert numbers == [1, 2]
    assert sorted(calls) == [1, 1, 2]  # both read 1; the second writer collided and retried with 2
