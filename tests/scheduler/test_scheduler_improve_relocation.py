"""The relocation search keeps every rule, never lowers the objective and moves screenings up."""

from helpers import load

from scheduler.check import check_screenings
from scheduler.first.greedy import Filler, greedy_schedule
from scheduler.first.slots import build_slots, film_options
from scheduler.first.timetable import Timetable
from scheduler.improve.relocation import relocate


def test_relocation_keeps_the_rules_and_raises_the_greedy_objective():
    for name in ("cstm-stress", "cstm-2021-resolve"):
        inst = load(name)
        greedy = greedy_schedule(inst)
        before = check_screenings(inst, greedy)
        table = Timetable(inst)
        for s in greedy:
            table.place(inst.film_by_id[s.film], inst.theater_by_id[s.theater], s.start)
        filler = Filler(inst, film_options(inst, build_slots(inst)))
        moves = relocate(inst, table, filler.ranked, {f.id for f in inst.films}, lambda: False)
        after = check_screenings(inst, table.screenings())
        assert after.valid, after.violations[:3]
        assert after.objective >= before.objective
        assert after.counts == before.counts  # screenings move, they are never added or dropped
        assert {p.key for p in inst.fixed} <= {s.key for s in table.screenings()}
        if inst.weights.change_penalty > 0:  # previous screenings kept stay where they were
            kept = {p.key for p in inst.previous} & {s.key for s in greedy}
            assert kept <= {s.key for s in table.screenings()}
        if name == "cstm-stress":
            assert moves > 0 and after.objective > before.objective
