"""Which pinned screenings cannot hold together: minimal conflicts from CP-SAT's assumptions."""

from __future__ import annotations

import bisect

from ..budget import UNLIMITED, Budget, OutOfTime
from ..check import RULES, check_screenings
from ..data import Instance, Screening, format_time
from ..first.tours import needs_print

# the rules a set of pins can break among themselves (ids are checked by the reader; pins are the pins;
# prints, rule 10, are given by the flow of first/tours.py: pins whose tours cannot hold are named by the
# validator's own messages, which say which print would have to travel too fast)
RULES_OF_PINS = tuple(r for r in RULES if r not in ("known ids", "pinned", "prints"))
# at most per feasibility check of a set of pins: longer settles larger sets of pins, shorter answers sooner
# (the deletion filter runs one check per pin of a conflict)
PIN_SOLVE_SECONDS = 10.0


def _single_violations(instance: Instance, pin: Screening) -> list[str]:
    return [
        f"{v.rule}: {v.message}"
        for v in check_screenings(instance, [_on_a_print(instance, pin)]).violations
        if v.rule != "pinned"
    ]


def _on_a_print(instance: Instance, pin: Screening) -> Screening:
    """A pin alone, on print 1 when it needs one (alone, any print can take it)."""
    if needs_print(instance.film_by_id[pin.film], instance.theater_by_id[pin.theater]):
        return Screening(pin.start, pin.theater, pin.film, 1)
    return pin


def _clashing_pairs(instance: Instance, pins: list[Screening]) -> list[tuple[Screening, Screening]]:
    """Pairs of pins in one theater where the later starts before the earlier ends plus the changeover
    (each theater's pins swept in start order: no quadratic scan of all pairs)."""
    by_theater: dict[str, list[tuple[int, int, Screening]]] = {}
    for i, p in enumerate(pins):
        by_theater.setdefault(p.theater, []).append((p.start, i, p))
    pairs = []
    for tid, items in by_theater.items():
        items.sort()
        t = instance.theater_by_id[tid]
        for k, (start, i, a) in enumerate(items):
            end = start + instance.occupancy(instance.film_by_id[a.film], t) + t.changeover
            for other_start, j, b in items[k + 1 :]:
                if other_start >= end:
                    break
                pairs.append((i, j, a, b) if i < j else (j, i, b, a))
    return [(a, b) for _, _, a, b in sorted(pairs, key=lambda q: (q[0], q[1]))]


def _running(items: list[Screening], runtime: int) -> list[list[Screening]]:
    """For each screening of one film, in order, those running at its start (itself included)."""
    starts = sorted((q.start, i) for i, q in enumerate(items))
    keys = [s for s, _ in starts]
    out = []
    for p in items:
        lo, hi = bisect.bisect_right(keys, p.start - runtime), bisect.bisect_right(keys, p.start)
        out.append([items[i] for i in sorted(i for _, i in starts[lo:hi])])
    return out


def _pins_infeasible(
    instance: Instance, pins: list[Screening], rules: set[str], budget: Budget = UNLIMITED
) -> list[str] | None:
    """A core (pin keys and rule names) when the pins cannot all hold under the rules, else None."""
    # imported here: CP-SAT takes 1.6 s and 95 MB to load, and the web app imports this package in every
    # process only to read instances and check timetables; only conflicting pins need it
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    use = {p.key: model.NewBoolVar(f"pin_{p.film}_{p.theater}_{p.start}") for p in pins}
    rule_lit = {r: model.NewBoolVar(f"rule_{r.replace(' ', '_')}") for r in rules}
    for p in pins:
        budget.check()
        alone = check_screenings(instance, [_on_a_print(instance, p)]).violations
        bad = {v.rule for v in alone if v.rule != "pinned"}
        for r in bad & rules:
            model.AddImplication(rule_lit[r], use[p.key].Not())
    film = instance.film_by_id
    if "one screening at a time" in rules:
        for a, b in _clashing_pairs(instance, pins):
            model.AddBoolOr([use[a.key].Not(), use[b.key].Not(), rule_lit["one screening at a time"].Not()])
    by_film: dict[str, list[Screening]] = {}
    for p in pins:
        by_film.setdefault(p.film, []).append(p)
    for fid, items in by_film.items():
        budget.check()
        f = film[fid]
        rooms = [q for q in items if not instance.theater_by_id[q.theater].online]  # online: no copies
        if "copies" in rules:
            for running in _running(rooms, f.runtime):
                if len(running) > f.at_once:
                    model.Add(sum(use[q.key] for q in running) <= f.at_once).OnlyEnforceIf(rule_lit["copies"])
        if "counts" in rules:
            model.Add(sum(use[q.key] for q in items) <= f.max_screenings).OnlyEnforceIf(rule_lit["counts"])
            for day in {q.start // 1440 for q in items}:
                same = [use[q.key] for q in items if q.start // 1440 == day]
                model.Add(sum(same) <= f.max_per_day).OnlyEnforceIf(rule_lit["counts"])
    assumptions = list(use.values()) + list(rule_lit.values())
    model.AddAssumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = max(0.05, min(PIN_SOLVE_SECONDS, budget.left()))
    if solver.Solve(model) != cp_model.INFEASIBLE:
        budget.check()  # an unknown answer for want of time is not "feasible"
        return None
    core = set(solver.SufficientAssumptionsForInfeasibility())
    names = {v.Index(): k for k, v in use.items()} | {v.Index(): r for r, v in rule_lit.items()}
    return [names[i] for i in core if i in names]


def minimal_conflict(
    instance: Instance, pins: list[Screening], budget: Budget = UNLIMITED
) -> tuple[list[Screening], list[str]] | None:
    """A minimal set of pins and rules that cannot hold together (deletion filter on a CP-SAT core).

    When the budget runs out during the filter, the set found so far (a conflict, maybe not minimal);
    OutOfTime when it runs out before any conflict is found."""
    core = _pins_infeasible(instance, pins, set(RULES_OF_PINS), budget)
    if core is None:
        return None
    keep_pins = [p for p in pins if p.key in set(core)]
    keep_rules = {c for c in core if isinstance(c, str)}
    for item in sorted(keep_pins) + sorted(keep_rules):
        trial_pins = [p for p in keep_pins if p is not item]
        trial_rules = keep_rules - {item} if isinstance(item, str) else keep_rules
        try:
            if _pins_infeasible(instance, trial_pins, trial_rules, budget) is not None:
                keep_pins, keep_rules = trial_pins, trial_rules
        except OutOfTime:
            break
    return sorted(keep_pins), sorted(keep_rules)


def pin_conflicts(instance: Instance, limit: int = 10, budget: Budget = UNLIMITED) -> list[str]:
    """In words, each smallest set of pinned screenings and rules that cannot all hold (those found
    before the budget runs out)."""
    pins = sorted(instance.fixed)
    out = []
    while len(out) < limit:
        try:
            found = minimal_conflict(instance, pins, budget)
        except OutOfTime:
            break
        if found is None:
            break
        core_pins, core_rules = found
        names = "; ".join(f"{p.film} in {p.theater} at {format_time(p.start)}" for p in core_pins)
        if len(core_pins) == 1:
            detail = " / ".join(_single_violations(instance, core_pins[0])) or ", ".join(core_rules)
            out.append(f"pinned screening {names} breaks {', '.join(core_rules)}: {detail}")
        else:
            out.append(f"pinned screenings {names} cannot all hold: rule {', '.join(core_rules)}")
        pins = [p for p in pins if p not in core_pins]
    return out
