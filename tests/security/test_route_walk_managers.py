"""The route walk for venue managers: every route, as the manager of the walk's venue ("manager") and as
the manager of another venue of the same edition ("other_manager").

A venue manager reaches the venue, theater, block and event pages of their own venues and their venues'
timetable, and nothing else of the staff side: another venue's pages answer 403, entries, curation,
timetable versions, runs and people 403. Like test_route_walk, a route without an entry here fails.
"""

from __future__ import annotations

from festival.extensions import db
from tests.conftest import log_in
from tests.security.test_route_walk import GET, POST_REFUSED
from tests.security.walk import methods, outcome, row_counts, rules, url_of

MANAGERS = ("manager", "other_manager")

# endpoint: (manager, other_manager) where they differ from a curator's outcome in test_route_walk
# (a logged-in account without staff rights); everything else answers them as it answers a curator
GET_DIFFERENT = {
    "venues.index": ("ok", "ok"),  # each sees their own venues
    "venues.timetable": ("ok", "ok"),
    "venues.timetable_csv": ("ok", "ok"),  # of their own venues only (tests/venues/test_managers.py)
    "venues.timetable_ics": ("ok", "ok"),
    "venues.edit_venue": ("ok", "403"),
    "venues.new_theater": ("ok", "403"),
    "venues.edit_theater": ("ok", "403"),
    "venues.blocks": ("ok", "403"),
    "venues.edit_block": ("ok", "403"),
    "events.index": ("ok", "ok"),  # each sees the events in their own venues
    "events.new": ("ok", "ok"),
    "events.edit": ("ok", "403"),  # the walk's talk is in the walk's venue
    # what any logged-in account without a review assignment gets
    "review.capacity": ("403", "403"),
    "review.conflicts": ("403", "403"),
    "review.decision": ("403", "403"),
    "review.entry": ("403", "403"),
    "review.my_queue": ("403", "403"),
    "review.ranking": ("403", "403"),
    "review.ranking_export": ("403", "403"),
    "submissions.image_file": ("404", "404"),
}
CURATOR = 3  # the curator's column in test_route_walk.GET

# POSTs the other venue's manager must be refused (nothing may change)
POST_OTHER_MANAGER = {
    "venues.edit_venue": "403",
    "venues.delete_venue": "403",
    "venues.new_theater": "403",
    "venues.edit_theater": "403",
    "venues.delete_theater": "403",
    "venues.blocks": "403",
    "venues.edit_block": "403",
    "venues.delete_block": "403",
    "venues.new_venue": "403",
    "venues.copy_venues": "403",
    "venues.invite_manager": "403",
    "venues.remove_manager": "403",
    "events.edit": "403",
    "events.delete": "403",
    "events.add_speaker": "403",
    "events.remove_speaker": "403",
    "schedule.publish": "403",
    "schedule.new_draft": "403",
    "schedule.start_run": "403",
    "review.decision": "403",
    "people.invite": "403",
    "people.person": "403",
    "edition_admin.edition": "403",
    "submissions.reopen": "403",
}


def _expected(endpoint: str) -> tuple[str, str]:
    if endpoint in GET_DIFFERENT:
        return GET_DIFFERENT[endpoint]
    return (GET[endpoint][CURATOR],) * 2


def test_every_route_has_an_answer_for_venue_managers(app):
    assert set(GET_DIFFERENT) <= set(GET), "stale entries"
    assert set(POST_OTHER_MANAGER) <= set(POST_REFUSED), "stale entries"


def test_every_get_route_answers_venue_managers_as_expected(app, client, world):
    wrong = []
    for rule in rules(app):
        if "GET" not in methods(rule):
            continue
        url = url_of(app, rule, world)
        for who, expected in zip(MANAGERS, _expected(rule.endpoint), strict=True):
            log_in(client, world.managers[who])
            got = outcome(client.get(url))
            if got != expected:
                wrong.append(f"GET {url} as {who}: {got}, expected {expected}")
    assert wrong == []


def test_the_other_venues_manager_changes_nothing(app, client, world):
    before = row_counts()
    log_in(client, world.managers["other_manager"])
    wrong = []
    for rule in rules(app):
        if rule.endpoint not in POST_OTHER_MANAGER:
            continue
        url = url_of(app, rule, world)
        got = outcome(client.post(url, data={}))
        if got != POST_OTHER_MANAGER[rule.endpoint]:
            wrong.append(f"POST {url}: {got}, expected {POST_OTHER_MANAGER[rule.endpoint]}")
    assert wrong == []
    db.session.expire_all()
    assert row_counts() == before
