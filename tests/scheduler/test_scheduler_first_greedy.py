"""The greedy's filler (scheduler/first/greedy.py) against its definition on random instances: the same
ranked slots as the plain Python values sorted by their keys, and the same timetables as a filler that
tries every ranked slot with ``Timetable.earliest`` and remembers nothing (the live lists, the full slots
and the rooms' free gaps only spare work)."""

import pytest
from helpers import slot_values
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler import check_screenings, parse_instance
from scheduler.budget import UNLIMITED
from scheduler.data import DAY, Screening
from scheduler.first import greedy
from scheduler.first.greedy import Filler, complete, greedy_schedule
from scheduler.first.slots import build_slots, film_options, film_places, fits
from scheduler.first.timetable import Timetable


def reference_ranking(instance, options, pack=False):
    """Each film's (value, slot) by the filler's keys, from the values one by one (``slot_values``)."""
    out = {}
    for fid, scored in slot_values(instance, options).items():
        if pack:
            key = lambda vs: (vs[1].lo // 1440, vs[1].band, -vs[0], vs[1].theater)  # noqa: E731
        else:
            key = lambda vs: (-vs[0], vs[1].day, vs[1].theater, vs[1].lo)  # noqa: E731
        out[fid] = sorted(scored, key=key)  # stable: ties in the options' order
    return out


class PlainFiller(Filler):
    """The definition: one more screening at the first ranked slot where ``Timetable.earliest`` finds a
    start, every slot tried every time."""

    def __init__(self, instance, options=None, *, pack=False, budget=UNLIMITED, slots=None, places=None):
        super().__init__(instance, options, pack=pack, budget=budget, slots=slots, places=places)
        if options is None:
            options = film_options(instance, [s for s in self.slots if s is not None])
        self.reference = reference_ranking(instance, options, pack)

    def place_one(self, table, film):
        if table.count[film.id] >= film.max_screenings:
            return None
        for _, slot in self.reference.get(film.id, ()):
            t = self.instance.theater_by_id[slot.theater]
            start = table.earliest(film, t, slot.lo, slot.hi)
            if start is not None:
                table.place(film, t, start)
                return Screening(start, t.id, film.id)
        return None


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

hours_st = st.sampled_from(
    [
        [["09:00", "13:00"]],
        [["10:00", "18:00"]],
        [["09:00", "12:00"], ["13:30", "17:00"]],
        [["14:00", "21:30"]],
    ]
)
theater_st = st.fixed_dictionaries(
    {
        "venue": st.integers(0, 2),
        "seats": st.integers(20, 300),
        "formats": st.sampled_from([["dome"], ["4d"], ["dome", "4d"]]),
        "features": st.sampled_from([[], ["fulldome"]]),
        "changeover": st.sampled_from([0, 10, 15]),
        "step": st.sampled_from([5, 10, 15, 30]),
        "block": st.sampled_from([None, ("T11:00", "T12:40"), ("T09:00", "T10:05")]),
    }
)
film_st = st.fixed_dictionaries(
    {
        "format": st.sampled_from(["dome", "4d"]),
        "runtime": st.sampled_from([15, 25, 40, 45, 70, 110]),
        "requires": st.sampled_from([[], [], ["fulldome"]]),
        "min": st.integers(0, 3),
        "extra": st.integers(0, 6),
        "per_day": st.integers(1, 3),
        "copies": st.integers(1, 2),
        "popularity": st.integers(0, 400),
        "prints": st.sampled_from([None, None, 1, 2]),
        "dates": st.sampled_from([(None, None), ("2021-04-11", None), (None, "2021-04-11")]),
    }
)
instance_st = st.fixed_dictionaries(
    {
        "days": st.integers(1, 3),
        "hours": st.lists(hours_st, min_size=3, max_size=3),
        "theaters": st.lists(theater_st, min_size=1, max_size=3),
        "online": st.sampled_from([None, 300, 1440]),
        "films": st.lists(film_st, min_size=3, max_size=16),
        "day_weights": st.lists(st.sampled_from([0.7, 1.0, 1.3]), min_size=7, max_size=7),
        "hour_weights": st.sampled_from(
            [[], [["09:00", "11:00", 0.8]], [["10:00", "12:00", 1.2], ["16:00", "19:00", 1.5]]]
        ),
        "transit": st.integers(0, 2),
    }
)  # fmt: skip


def random_instance(p):
    """A version-2 instance from the draws: venues in two cities, rooms (some with an unavailable
    block), perhaps an online channel, films with dates and prints."""
    last = f"2021-04-{9 + p['days']}"
    venues = [
        {"id": f"v{k}", "name": f"V{k}", "city": "ab"[k % 2], "hours": dict.fromkeys(DAYS, p["hours"][k])}
        for k in range(3)
    ]
    theaters = []
    for k, t in enumerate(p["theaters"]):
        room = {
            "id": f"t{k}",
            "name": f"T{k}",
            "venue": f"v{t['venue']}",
            "seats": t["seats"],
            "formats": t["formats"],
            "features": t["features"],
            "changeover_minutes": t["changeover"],
            "start_step_minutes": t["step"],
        }
        if t["block"] is not None:
            room["unavailable"] = [
                {"start": "2021-04-10" + t["block"][0], "end": "2021-04-10" + t["block"][1]}
            ]
        theaters.append(room)
    if p["online"] is not None:
        venues.append({"id": "web", "name": "Online", "city": "online", "hours": {}})
        theaters.append(
            {"id": "ch", "name": "Channel", "venue": "web", "seats": 500, "formats": ["dome", "4d"],
             "online": True, "window_minutes": p["online"], "start_step_minutes": 60}
        )  # fmt: skip
    films = []
    for k, f in enumerate(p["films"]):
        film = {
            "id": f"f{k}",
            "title": f"F{k}",
            "format": f["format"],
            "runtime_minutes": f["runtime"],
            "requires": f["requires"],
            "min_screenings": f["min"],
            "max_screenings": f["min"] + f["extra"],
            "max_per_day": f["per_day"],
            "copies": f["copies"],
            "popularity": f["popularity"],
        }
        if f["prints"] is not None:
            film["prints"] = f["prints"]
        if f["dates"][0]:
            film["not_before"] = f["dates"][0]
        if f["dates"][1]:
            film["not_after"] = f["dates"][1]
        films.append(film)
    return parse_instance(
        {
            "format": "festival-schedule-instance/2",
            "festival": {
                "name": "r",
                "timezone": "Asia/Shanghai",
                "first_day": "2021-04-10",
                "last_day": last,
            },
            "venues": venues,
            "transit_days": {"default": p["transit"], "pairs": []},
            "theaters": theaters,
            "films": films,
            "weights": {"day": dict(zip(DAYS, p["day_weights"], strict=True)), "hour": p["hour_weights"]},
        }
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance_st)
def test_the_greedy_builds_the_timetable_of_its_definition(p):
    inst = random_instance(p)
    screenings = greedy_schedule(inst)
    assert check_screenings(inst, screenings).valid
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(greedy, "Filler", PlainFiller)
        assert greedy_schedule(inst) == screenings


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance_st, st.booleans())
def test_the_ranked_slots_are_the_values_sorted_by_their_keys(p, pack):
    inst = random_instance(p)
    slots = build_slots(inst)
    options = film_options(inst, slots)
    reference = reference_ranking(inst, options, pack)
    for filler in (
        Filler(inst, options, pack=pack),
        Filler(inst, options, pack=pack, slots=slots),
        Filler(inst, pack=pack, slots=slots),  # the options worked out from the slots' arrays
    ):
        assert dict(filler.ranked) == reference
        assert filler.sizes == {fid: len(o) for fid, o in options.items()}
    # some films only (a component's filler): the others have none
    some = {fid: o for fid, o in options.items() if int(fid[1:]) % 2}
    assert dict(Filler(inst, some, pack=pack).ranked) == {
        fid: ranked if fid in some else [] for fid, ranked in reference.items()
    }


changes_st = st.lists(
    st.tuples(st.integers(0, 15), st.integers(0, 3), st.integers(0, 2), st.integers(96, 264), st.booleans()),
    min_size=1,
    max_size=30,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance_st, changes_st)
def test_every_slot_answers_what_the_timetable_would(p, changes):
    """On timetables of random screenings (some taken out again), each film's start in each of its
    slots as the filler finds it (from a room's free gaps) is ``Timetable.earliest``'s."""
    inst = random_instance(p)
    filler = Filler(inst, slots=build_slots(inst))
    table = Timetable(inst)
    for k, (fi, ti, d, five, out) in enumerate(changes):
        f, t = inst.films[fi % len(inst.films)], inst.theaters[ti % len(inst.theaters)]
        start = (inst.first_day + d % len(inst.days)) * DAY + five * 5
        if out and table.screenings():  # the first screening taken out again
            s = table.screenings()[0]
            table.remove(inst.film_by_id[s.film], inst.theater_by_id[s.theater], s.start)
        elif table.can_place(f, t, start):
            table.place(f, t, start)
        if k % 3 and k != len(changes) - 1:
            continue
        for film in inst.films:
            for i in filler.order[film.id].tolist():
                slot = filler.slots[i]
                if table.room_for_film(film, slot.day):
                    theater = inst.theater_by_id[slot.theater]
                    assert filler.start_in(table, film, i) == table.earliest(film, theater, slot.lo, slot.hi)


@pytest.mark.parametrize("changeover", [0, 10, 15])
def test_a_gap_takes_a_screening_and_its_changeover_or_the_next_one_does(changeover):
    """A screening at 11:00 and 12:40 in a room open 10:00-18:00: films of every length from 10:00 on, each
    where ``Timetable.earliest`` puts it (before the first only when it ends a changeover before 11:00)."""
    theater = {"venue": 0, "seats": 100, "formats": ["dome"], "features": [], "changeover": changeover,
               "step": 5, "block": None}  # fmt: skip
    films = [
        {"format": "dome", "runtime": runtime, "requires": [], "min": 0, "extra": 1, "per_day": 1,
         "copies": 1, "popularity": 100, "prints": None, "dates": (None, None)}
        for runtime in [15, 25, 40, 45, 70, 110] * 4
    ]  # fmt: skip
    p = {"days": 1, "hours": [[["10:00", "18:00"]]] * 3, "theaters": [theater], "online": None,
         "films": films, "day_weights": [1.0] * 7, "hour_weights": [], "transit": 0}  # fmt: skip
    inst = random_instance(p)
    filler = Filler(inst, slots=build_slots(inst))
    table = Timetable(inst)
    (t,) = inst.theaters
    for k, minute in enumerate((11 * 60, 12 * 60 + 40)):
        table.place(inst.films[k], t, inst.first_day * DAY + minute)
    for film in inst.films[2:]:
        (i,) = filler.order[film.id].tolist()
        slot = filler.slots[i]
        assert filler.start_in(table, film, i) == table.earliest(film, t, slot.lo, slot.hi)
    starts = {f.runtime: filler.start_in(table, f, 0) % DAY for f in inst.films[2:8]}
    before = 60 - changeover  # minutes free from 10:00 up to the 11:00 screening's changeover
    assert all((starts[r] == 10 * 60) == (r <= before) for r in starts)


def fitting_slots(inst, slots):
    """film_options' definition: per film, the slots of each compatible theater (in order) that it fits."""
    return {
        f.id: [s for t in inst.theaters for s in slots if s.theater == t.id and fits(f, t, s, inst)]
        if f.max_screenings > 0 and f.max_per_day > 0 and f.copies > 0
        else []
        for f in inst.films
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instance_st)
def test_film_options_are_the_slots_each_film_fits(p):
    inst = random_instance(p)
    slots = build_slots(inst)
    assert film_options(inst, slots) == fitting_slots(inst, slots)


def test_the_filler_ranks_the_places_of_film_options_on_the_examples():
    from helpers import load

    for name in ("cstm-2021", "alliance-tour", "cstm-2021-hybrid"):
        inst = load(name)
        slots = build_slots(inst)
        options = film_options(inst, slots)
        places = film_places(inst, slots)
        assert options == fitting_slots(inst, slots)
        assert dict(Filler(inst, options, slots=slots).ranked) == reference_ranking(inst, options)
        assert {fid: idx.tolist() for fid, idx in places.index.items()} == {
            fid: [s.index for s in o] for fid, o in options.items()
        }


def test_a_filler_used_again_after_a_reset_places_as_its_definition():
    """The free gaps a filler remembers are stamped with their lane's changes: screenings taken out
    (as the repair does) or another timetable are never answered from an old gap."""
    inst = random_instance(
        {
            "days": 2, "hours": [[["10:00", "18:00"]]] * 3, "online": None, "transit": 0,
            "theaters": [{"venue": 0, "seats": 100, "formats": ["dome"], "features": [], "changeover": 10,
                          "step": 15, "block": None}],
            "films": [{"format": "dome", "runtime": 70, "requires": [], "min": 1, "extra": 5, "per_day": 2,
                       "copies": 1, "popularity": 100 + 10 * k, "prints": None, "dates": (None, None)}
                      for k in range(6)],
            "day_weights": [1.0] * 7, "hour_weights": [],
        }
    )  # fmt: skip
    slots = build_slots(inst)
    fillers = [Filler(inst, slots=slots), PlainFiller(inst, slots=slots)]
    tables = [Timetable(inst), Timetable(inst)]
    for filler, table in zip(fillers, tables, strict=True):
        complete(inst, table, filler)
    assert tables[0].screenings() == tables[1].screenings()
    taken = [s for s in tables[0].screenings() if s.start // 1440 == inst.first_day][:4]
    for filler, table in zip(fillers, tables, strict=True):
        for s in taken:
            table.remove(inst.film_by_id[s.film], inst.theater_by_id[s.theater], s.start)
        filler.reset()
        complete(inst, table, filler)
    assert tables[0].screenings() == tables[1].screenings()
    again = Timetable(inst)
    fillers[0].reset()
    complete(inst, again, fillers[0])
    fresh = Timetable(inst)
    complete(inst, fresh, PlainFiller(inst, slots=slots))
    assert again.screenings() == fresh.screenings()
    assert check_screenings(inst, fresh.screenings()).valid
