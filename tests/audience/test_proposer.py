"""The plan rules without a database: clashes by the travel-time rule, and "plan my visit" (always
clash-free, at most one screening a film, optimal against brute force on small cases)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from festival.audience.proposer import Slot, TravelRule, clash, clashes, propose, score

RULE = TravelRule(venue_minutes=30, city_minutes=240)
T0 = datetime(2031, 4, 5, 9, 0, tzinfo=UTC)


def slot(key, film, minute, length=60, venue=1, city=None):
    start = T0 + timedelta(minutes=minute)
    return Slot(
        key, film, start, start + timedelta(minutes=length), venue, city, (start - timedelta(hours=1)).date()
    )


def test_overlap_and_travel_time():
    a = slot(1, 1, 0)  # 9:00-10:00 in venue 1
    assert clash(a, slot(2, 2, 30), RULE)  # overlaps
    assert not clash(a, slot(3, 2, 60), RULE)  # right after, same venue
    assert clash(a, slot(4, 2, 75, venue=2), RULE)  # 15 minutes to get to another venue: too little
    assert not clash(a, slot(5, 2, 90, venue=2), RULE)  # 30 minutes: enough
    assert clash(slot(6, 1, 0, venue=1, city="beijing"), slot(7, 2, 120, venue=3, city="tianjin"), RULE)
    assert not clash(slot(6, 1, 0, venue=1, city="beijing"), slot(8, 2, 300, venue=3, city="tianjin"), RULE)
    assert clash(slot(4, 2, 75, venue=2), a, RULE)  # symmetric


def test_the_proposal_takes_the_most_films_on_the_fewest_days():
    day2 = 24 * 60
    candidates = [
        slot(1, 1, 0),  # film 1 on day 1
        slot(2, 2, 30),  # film 2 clashes with it on day 1
        slot(3, 2, day2),  # film 2 on day 2
        slot(4, 2, 120),  # film 2 later on day 1: fits
        slot(5, 3, day2 + 120),  # film 3 only on day 2
    ]
    chosen = propose(candidates, RULE)
    assert {s.key for s in chosen} == {1, 4, 5} or {s.key for s in chosen} == {1, 3, 5}
    assert {s.key for s in propose(candidates[:4], RULE)} == {1, 4}  # one day beats two


def _brute_force(candidates):
    best = (0, 0, 0)
    for n in range(len(candidates) + 1):
        for choice in itertools.combinations(candidates, n):
            if len({s.film for s in choice}) < n or clashes(choice, RULE):
                continue
            best = max(best, score(choice, candidates))
    return best


slots = st.lists(
    st.tuples(
        st.integers(1, 4),  # film
        st.integers(0, 3),  # day
        st.integers(0, 10),  # start, in half hours after 9:00
        st.sampled_from([30, 45, 60, 90]),
        st.integers(1, 3),  # venue
    ),
    min_size=0,
    max_size=9,
)


@settings(max_examples=60, deadline=None)
@given(slots)
def test_proposals_are_clash_free_and_optimal(raw):
    candidates = [
        Slot(
            i,
            film,
            T0 + timedelta(days=day, minutes=30 * half),
            T0 + timedelta(days=day, minutes=30 * half + length),
            venue,
            None,
            date(2031, 4, 5) + timedelta(days=day),
        )
        for i, (film, day, half, length, venue) in enumerate(raw)
    ]
    chosen = propose(candidates, RULE)
    assert clashes(chosen, RULE) == []
    assert len({s.film for s in chosen}) == len(chosen)
    assert score(chosen, candidates) == _brute_force(candidates)
