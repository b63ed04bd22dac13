"""Why films fall short of their minimum, and which pins cannot hold together."""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

from .budget import UNLIMITED, Budget, OutOfTime
from .data import Film, Instance, Screening, Shortfall, Theater, format_date, format_minutes, format_time
from .read import no_theater_problem
from .validate import RULES, check_screenings

OUT_OF_TIME = "not worked out: the time limit ran out first ({scheduled} of {minimum} placed)"


def _group_name(film: Film, theater_ids: frozenset[str]) -> str:
    label = "4D" if film.format == "4d" else film.format.replace("_", " ")
    return f"{label} theaters ({', '.join(sorted(theater_ids))})"


def open_minutes(instance: Instance, theater_ids, first: int, last: int, budget: Budget = UNLIMITED) -> int:
    """Free minutes (open, not unavailable) of the theaters between two days, both included."""
    total = 0
    for t in instance.theaters:
        if t.id in theater_ids:
            budget.check()
            for day in range(max(first, instance.first_day), min(last, instance.last_day) + 1):
                total += sum(b - a for a, b in instance.free_segments(t, day))
    return total


@dataclass(frozen=True)
class CapacityNote:
    group: str
    films: int
    needed: int
    available: int
    first: int
    last: int

    def words(self) -> str:
        return (
            f"{self.group}: {self.films} films need {format_minutes(self.needed)} of screen time; "
            f"{format_minutes(self.available)} are open between their first and last dates "
            f"({format_date(self.first)}..{format_date(self.last)})"
        )


class Explainer:
    """Shortfall reasons and capacity notes for one instance, with what they share computed once (the
    theaters each kind of film can use, each group's note, each theater-day's longest free stretch), so
    explaining every film of a large instance stays cheap; ``budget`` bounds the work (OutOfTime)."""

    def __init__(self, instance: Instance, budget: Budget = UNLIMITED):
        self.instance = instance
        self.budget = budget
        self._theaters: dict[tuple, tuple[Theater, ...]] = {}
        self._notes: dict[frozenset[str], CapacityNote] = {}
        self._longest: dict[tuple[str, int], int] = {}

    def theaters(self, film: Film) -> tuple[Theater, ...]:
        """The theaters that can show the film, in instance order."""
        key = (film.format, film.requires)
        if key not in self._theaters:
            self.budget.check()
            inst = self.instance
            self._theaters[key] = tuple(t for t in inst.theaters if inst.compatible(film, t))
        return self._theaters[key]

    def longest(self, theater: Theater, day: int) -> int:
        """The longest free stretch of a theater-day in minutes."""
        key = (theater.id, day)
        if key not in self._longest:
            self._longest[key] = max((b - a for a, b in self.instance.free_segments(theater, day)), default=0)
        return self._longest[key]

    def note(self, film: Film) -> CapacityNote:
        """Demand of the films confined to this film's theaters against the open time they share."""
        group = frozenset(t.id for t in self.theaters(film))
        if group not in self._notes:
            self._notes[group] = self._note(film, group)
        return self._notes[group]

    def _note(self, film: Film, group: frozenset[str]) -> CapacityNote:
        inst = self.instance
        members = []
        for f in inst.films:
            if f.min_screenings > 0 and len(inst.film_days(f)):
                ts = frozenset(t.id for t in self.theaters(f))
                if ts and ts <= group:
                    members.append(f)
        first = min(inst.film_days(f).start for f in members)
        last = max(inst.film_days(f).stop - 1 for f in members)
        change = min(t.changeover for t in inst.theaters if t.id in group)
        needed = sum(f.min_screenings * (f.runtime + change) for f in members)
        available = open_minutes(inst, group, first, last, self.budget)
        return CapacityNote(_group_name(film, group), len(members), needed, available, first, last)

    def reason(self, film: Film, scheduled: int = 0) -> str:
        """A human reason why the film gets fewer than min_screenings."""
        inst = self.instance
        compatible = self.theaters(film)
        if not compatible:
            return no_theater_problem(film).message
        if film.copies == 0 or film.max_per_day == 0:
            return f"{'copies' if film.copies == 0 else 'max_per_day'} is 0, so it cannot be screened"
        if film.max_screenings < film.min_screenings:
            return f"max_screenings {film.max_screenings} is below min_screenings {film.min_screenings}"
        days = inst.film_days(film)
        if not len(days):
            return (
                f"its allowed dates ({_limit(film.not_before)}..{_limit(film.not_after)}) "
                "do not meet the festival "
                f"window {format_date(inst.first_day)}..{format_date(inst.last_day)}"
            )
        fitting_days = set()
        for t in compatible:
            self.budget.check()
            fitting_days.update(d for d in days if self.longest(t, d) >= film.runtime)
        if not fitting_days:
            return (
                f"no compatible theater ({', '.join(t.id for t in compatible)}) is open for {film.runtime} "
                f"minutes in a row between {format_date(days.start)} and {format_date(days.stop - 1)}"
            )
        if len(fitting_days) * film.max_per_day < film.min_screenings:
            return (
                f"only {len(fitting_days)} days between {format_date(days.start)} and "
                f"{format_date(days.stop - 1)} "
                f"can hold it and max_per_day is {film.max_per_day}: at most "
                f"{len(fitting_days) * film.max_per_day} screenings"
            )
        note = self.note(film)
        if note.needed > note.available:
            return note.words()
        dates = f"{format_date(days.start)}..{format_date(days.stop - 1)}"
        return (
            f"{note.group} time on its allowed dates ({dates}) "
            f"is taken by pinned or higher-value screenings ({scheduled} of {film.min_screenings} placed)"
        )


def capacity_note(instance: Instance, film: Film) -> CapacityNote:
    """Demand of the films confined to this film's theaters against the open time they share."""
    return Explainer(instance).note(film)


def shortfall_reason(instance: Instance, film: Film, scheduled: int = 0) -> str:
    """A human reason why the film gets fewer than min_screenings."""
    return Explainer(instance).reason(film, scheduled)


def _limit(day: int | None) -> str:
    return "no limit" if day is None else format_date(day)


def shortfalls(
    instance: Instance, screenings: list[Screening], budget: Budget = UNLIMITED
) -> tuple[Shortfall, ...]:
    """Every film scheduled fewer than min_screenings times, with its reason (a short one for the films
    left when the budget runs out)."""
    counts = Counter(s.film for s in screenings)
    explainer = Explainer(instance, budget)
    out = []
    for f in instance.films:
        if counts[f.id] < f.min_screenings:
            try:
                reason = explainer.reason(f, counts[f.id])
            except OutOfTime:
                reason = OUT_OF_TIME.format(scheduled=counts[f.id], minimum=f.min_screenings)
            out.append(Shortfall(f.id, f.min_screenings - counts[f.id], reason))
    return tuple(out)


# the rules a set of pins can break among themselves (ids are checked by the reader; pins are the pins)
RULES_OF_PINS = tuple(r for r in RULES if r not in ("known ids", "pinned"))
PIN_SOLVE_SECONDS = 10.0  # at most per feasibility check of a set of pins


def _single_violations(instance: Instance, pin: Screening) -> list[str]:
    return [
        f"{v.rule}: {v.message}" for v in check_screenings(instance, [pin]).violations if v.rule != "pinned"
    ]


def _clashing_pairs(instance: Instance, pins: list[Screening]) -> list[tuple[Screening, Screening]]:
    """Pairs of pins in one theater where the later starts before the earlier ends plus the changeover
    (each theater's pins swept in start order: no quadratic scan of all pairs)."""
    by_theater: dict[str, list[tuple[int, int, Screening]]] = {}
    for i, p in enumerate(pins):
        by_theater.setdefault(p.theater, []).append((p.start, i, p))
    pairs = []
    for tid, items in by_theater.items():
        items.sort()
        change = instance.theater_by_id[tid].changeover
        for k, (start, i, a) in enumerate(items):
            end = start + instance.film_by_id[a.film].runtime + change
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
        bad = {v.rule for v in check_screenings(instance, [p]).violations if v.rule != "pinned"}
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
        if "copies" in rules:
            for running in _running(items, f.runtime):
                if len(running) > f.copies:
                    model.Add(sum(use[q.key] for q in running) <= f.copies).OnlyEnforceIf(rule_lit["copies"])
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


def capacity_notes(instance: Instance, explainer: Explainer | None = None) -> list[CapacityNote]:
    """One note per distinct group of compatible theaters, demand against open time."""
    explainer = explainer or Explainer(instance)
    seen = {}
    for f in instance.films:
        if f.min_screenings > 0 and len(instance.film_days(f)) and explainer.theaters(f):
            note = explainer.note(f)
            seen.setdefault(note.group, note)
    return [seen[k] for k in sorted(seen)]


def unknown_references(instance: Instance, screenings: list[Screening]) -> list[str]:
    """In words, each screening of a schedule that names a film or theater the instance does not have (the
    validator's rule "known ids")."""
    return [v.message for v in check_screenings(instance, screenings).violations if v.rule == "known ids"]


def explain_text(instance: Instance, screenings: list[Screening] | None = None) -> str:
    """The whole explanation as text: pin conflicts, capacity by theater group, shortfall reasons and,
    for a given schedule, the screenings it names that the instance does not know."""
    explainer = Explainer(instance)
    lines = []
    if not check_screenings(instance, instance.fixed).valid:
        lines.append("Pinned screenings that cannot all hold:")
        lines += [f"  - {c}" for c in pin_conflicts(instance)]
    else:
        lines.append(
            f"Pinned screenings: {len(instance.fixed)}, all compatible with each other and the rules."
        )
    lines.append("Minimum screen time by theater group:")
    for note in capacity_notes(instance, explainer):
        flag = "SHORT" if note.needed > note.available else "ok"
        lines.append(f"  - [{flag}] {note.words()}")
    structural = [
        (f, reason)
        for f in instance.films
        if f.min_screenings > 0
        and not (reason := explainer.reason(f)).endswith("placed)")
        and "films need" not in reason
    ]
    if structural:
        lines.append("Films that cannot reach their minimum whatever the timetable:")
        lines += [f"  - {f.id} ({f.title}): {reason}" for f, reason in structural]
    if screenings is not None:
        unknown = unknown_references(instance, screenings)
        if unknown:
            lines.append(f"Screenings in the given schedule that the instance does not know: {len(unknown)}")
            lines += [f"  - {u}" for u in unknown]
        found = shortfalls(instance, screenings)
        lines.append(f"Shortfalls in the given schedule: {len(found)}")
        lines += [f"  - {s.film}: {s.missing} missing: {s.reason}" for s in found]
    return "\n".join(lines)
