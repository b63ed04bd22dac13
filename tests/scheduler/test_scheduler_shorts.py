"""The shorts-programme proposer: programmes never mix films that cannot share a room or an audience,
always fit their length, and the grouping is the best one on cases small enough to enumerate."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import Lengths, Room, ShortFilm, propose_programmes
from scheduler.shorts import NO_FIT, NO_ROOM, TOO_FEW, TOO_LONG, compatible, spread

ROOMS = [
    Room(frozenset({"dome"}), frozenset({"planetarium"})),
    Room(frozenset({"4d"}), frozenset({"motion", "scent"})),
    Room(frozenset({"4d"}), frozenset({"motion"})),
    Room(frozenset({"documentary", "scifi"}), frozenset()),
]
FEATURES = {"dome": ["planetarium"], "4d": ["motion", "scent"], "documentary": [], "scifi": ["laser"]}
AUDIENCES = ["children", "families", "general"]


def film(fid, runtime, fmt="documentary", requires=(), audiences=(), popularity=0):
    return ShortFilm(fid, runtime, fmt, frozenset(requires), frozenset(audiences), popularity)


@st.composite
def short_films(draw, max_size=9):
    n = draw(st.integers(0, max_size))
    films = []
    for i in range(n):
        fmt = draw(st.sampled_from(sorted(FEATURES)))
        films.append(
            film(
                f"f{i}",
                draw(st.integers(3, 40)),
                fmt,
                draw(st.sets(st.sampled_from(FEATURES[fmt]), max_size=2)) if FEATURES[fmt] else (),
                draw(st.sets(st.sampled_from(AUDIENCES), max_size=2)),
                draw(st.integers(0, 500)),
            )
        )
    return films


lengths_st = st.builds(
    lambda low, extra, gap: Lengths(low, low + extra, gap),
    st.integers(20, 70),
    st.integers(0, 40),
    st.integers(0, 5),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(short_films(), lengths_st)
def test_programmes_never_mix_incompatible_films_and_always_fit_their_length(films, lengths):
    grouping = propose_programmes(films, ROOMS, lengths, seed=3, time_limit=2)
    by_id = {f.id: f for f in films}
    placed = [fid for p in grouping.programmes for fid in p]
    assert len(placed) == len(set(placed))  # a film is in one programme at most
    assert set(placed) | {u.film for u in grouping.unplaced} == set(by_id)
    assert not set(placed) & {u.film for u in grouping.unplaced}
    for programme in grouping.programmes:
        members = [by_id[fid] for fid in programme]
        assert len({f.format for f in members}) == 1
        assert compatible(members, ROOMS)
        assert lengths.fits(f.runtime for f in members)


def _partitions(items):
    """Every way to split ``items`` into non-empty groups."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in _partitions(rest):
        yield [[first], *part]
        for i in range(len(part)):
            yield [*part[:i], [first, *part[i]], *part[i + 1 :]]


def _best_by_brute_force(films, lengths):
    """(films placed, -spread) of the best grouping, found by trying every subset and partition."""
    best = (0, 0)
    n = len(films)
    for mask in range(1 << n):
        chosen = [films[i] for i in range(n) if mask >> i & 1]
        for groups in _partitions(chosen):
            if all(compatible(g, ROOMS) and lengths.fits(f.runtime for f in g) for g in groups):
                best = max(best, (len(chosen), -spread(groups)))
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(short_films(max_size=6), lengths_st)
def test_the_grouping_is_optimal_on_tiny_cases(films, lengths):
    grouping = propose_programmes(films, ROOMS, lengths, seed=1, time_limit=10)
    assert grouping.optimal
    by_id = {f.id: f for f in films}
    groups = [[by_id[fid] for fid in p] for p in grouping.programmes]
    found = (sum(len(g) for g in groups), -spread(groups))
    assert found == _best_by_brute_force(films, lengths)


def test_balanced_popularity_pairs_a_popular_film_with_a_quiet_one():
    films = [film("a", 30, popularity=100), film("b", 30, popularity=90), film("c", 30, popularity=10)]
    films.append(film("d", 30, popularity=0))
    grouping = propose_programmes(films, ROOMS, Lengths(60, 60, 0))
    assert sorted(sorted(p) for p in grouping.programmes) == [["a", "d"], ["b", "c"]]
    assert grouping.optimal and grouping.unplaced == []


def test_the_same_input_and_seed_give_the_same_programmes():
    films = [film(f"f{i}", 10 + i % 7, popularity=(i * 37) % 100) for i in range(14)]
    first = propose_programmes(films, ROOMS, Lengths(45, 60, 2), seed=5, time_limit=2)
    again = propose_programmes(list(reversed(films)), ROOMS, Lengths(45, 60, 2), seed=5, time_limit=2)
    assert first == again
    assert len({fid for p in first.programmes for fid in p}) >= 10


def test_each_film_left_out_says_why():
    films = [
        film("long", 95),
        film("laser", 10, "scifi", requires=["laser"]),  # no room has a laser
        film("kid", 20, "dome", audiences=["children"]),  # the only dome film: 20 minutes
        film("d1", 40, audiences=["general"]),
        film("d2", 40, audiences=["general"]),
        film("d3", 40, audiences=["general"]),
    ]
    grouping = propose_programmes(films, ROOMS, Lengths(60, 90, 5))
    reasons = {u.film: (u.reason, u.minutes) for u in grouping.unplaced}
    assert reasons.pop("long") == (TOO_LONG, 95)
    assert reasons.pop("laser") == (NO_ROOM, 0)
    assert reasons.pop("kid") == (TOO_FEW, 20)
    assert list(reasons.values()) == [(NO_FIT, 0)]  # two of d1-d3 make a programme of 85 minutes
    assert len(grouping.programmes) == 1 and len(grouping.programmes[0]) == 2


def test_films_for_different_audiences_are_not_grouped():
    films = [film("kids", 30, audiences=["children"]), film("adults", 30, audiences=["general"])]
    films.append(film("any", 30))
    grouping = propose_programmes(films, ROOMS, Lengths(60, 60, 0))
    assert len(grouping.programmes) == 1 and "any" in grouping.programmes[0]
    assert [u.reason for u in grouping.unplaced] == [NO_FIT]


def test_the_programme_needs_one_room_with_every_feature_its_members_require():
    films = [film("m", 30, "4d", requires=["motion"]), film("s", 30, "4d", requires=["scent"])]
    films.append(film("plain", 30, "4d"))
    rooms = [Room(frozenset({"4d"}), frozenset({"motion"})), Room(frozenset({"4d"}), frozenset({"scent"}))]
    grouping = propose_programmes(films, rooms, Lengths(90, 90, 0))
    assert grouping.programmes == []  # no room has motion and scent: the three never screen as one
    grouping = propose_programmes(films, rooms, Lengths(60, 60, 0))
    assert len(grouping.programmes) == 1 and "plain" in grouping.programmes[0]
