"""Why films fall short of their minimum, and which pins cannot hold together."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from .data import Film, Instance, Screening, Shortfall, format_date, format_minutes
from .read import no_theater_problem


def _group_name(film: Film, theater_ids: frozenset[str]) -> str:
    label = "4D" if film.format == "4d" else film.format.replace("_", " ")
    return f"{label} theaters ({', '.join(sorted(theater_ids))})"


def open_minutes(instance: Instance, theater_ids, first: int, last: int) -> int:
    """Free minutes (open, not unavailable) of the theaters between two days, both included."""
    total = 0
    for t in instance.theaters:
        if t.id in theater_ids:
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


def capacity_note(instance: Instance, film: Film) -> CapacityNote:
    """Demand of the films confined to this film's theaters against the open time they share."""
    group = frozenset(t.id for t in instance.theaters if instance.compatible(film, t))
    members = [
        f
        for f in instance.films
        if f.min_screenings > 0
        and (ts := frozenset(t.id for t in instance.theaters if instance.compatible(f, t)))
        and ts <= group
        and len(instance.film_days(f))
    ]
    first = min(instance.film_days(f).start for f in members)
    last = max(instance.film_days(f).stop - 1 for f in members)
    change = min(t.changeover for t in instance.theaters if t.id in group)
    needed = sum(f.min_screenings * (f.runtime + change) for f in members)
    available = open_minutes(instance, group, first, last)
    return CapacityNote(_group_name(film, group), len(members), needed, available, first, last)


def shortfall_reason(instance: Instance, film: Film, scheduled: int = 0) -> str:
    """A human reason why the film gets fewer than min_screenings."""
    if not any(instance.compatible(film, t) for t in instance.theaters):
        return no_theater_problem(film).message
    if film.copies == 0 or film.max_per_day == 0:
        return f"{'copies' if film.copies == 0 else 'max_per_day'} is 0, so it cannot be screened"
    if film.max_screenings < film.min_screenings:
        return f"max_screenings {film.max_screenings} is below min_screenings {film.min_screenings}"
    days = instance.film_days(film)
    if not len(days):
        return (
            f"its allowed dates ({_limit(film.not_before)}..{_limit(film.not_after)}) "
            "do not meet the festival "
            f"window {format_date(instance.first_day)}..{format_date(instance.last_day)}"
        )
    compatible = [t for t in instance.theaters if instance.compatible(film, t)]
    fitting_days = {
        d for t in compatible for d in days for a, b in instance.free_segments(t, d) if b - a >= film.runtime
    }
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
    note = capacity_note(instance, film)
    if note.needed > note.available:
        return note.words()
    return (
        f"{note.group} time on its allowed dates ({format_date(days.start)}..{format_date(days.stop - 1)}) "
        f"is taken by pinned or higher-value screenings ({scheduled} of {film.min_screenings} placed)"
    )


def _limit(day: int | None) -> str:
    return "no limit" if day is None else format_date(day)


def shortfalls(instance: Instance, screenings: list[Screening]) -> tuple[Shortfall, ...]:
    """Every film scheduled fewer than min_screenings times, with its reason."""
    counts = Counter(s.film for s in screenings)
    return tuple(
        Shortfall(f.id, f.min_screenings - counts[f.id], shortfall_reason(instance, f, counts[f.id]))
        for f in instance.films
        if counts[f.id] < f.min_screenings
    )


def _single_violations(instance: Instance, pin: Screening) -> list[str]:
    from .validate import check_screenings

    return [
        f"{v.rule}: {v.message}" for v in check_screenings(instance, [pin]).violations if v.rule != "pinned"
    ]


def _pins_infeasible(instance: Instance, pins: list[Screening], rules: set[str]) -> list[str] | None:
    """A core (pin keys and rule names) when the pins cannot all hold under the rules, else None."""
    from ortools.sat.python import cp_model

    from .validate import check_screenings

    model = cp_model.CpModel()
    use = {p.key: model.NewBoolVar(f"pin_{p.film}_{p.theater}_{p.start}") for p in pins}
    rule_lit = {r: model.NewBoolVar(f"rule_{r.replace(' ', '_')}") for r in rules}
    for p in pins:
        bad = {v.rule for v in check_screenings(instance, [p]).violations if v.rule != "pinned"}
        for r in bad & rules:
            model.AddImplication(rule_lit[r], use[p.key].Not())
    film = instance.film_by_id
    runtime = {p.key: film[p.film].runtime for p in pins}
    for i, a in enumerate(pins):
        for b in pins[i + 1 :]:
            if a.theater == b.theater and "one screening at a time" in rules:
                first, second = (a, b) if a.start <= b.start else (b, a)
                t = instance.theater_by_id[a.theater]
                if second.start < first.start + runtime[first.key] + t.changeover:
                    model.AddBoolOr(
                        [use[a.key].Not(), use[b.key].Not(), rule_lit["one screening at a time"].Not()]
                    )
    by_film: dict[str, list[Screening]] = {}
    for p in pins:
        by_film.setdefault(p.film, []).append(p)
    for fid, items in by_film.items():
        f = film[fid]
        if "copies" in rules:
            for p in items:
                running = [q for q in items if q.start <= p.start < q.start + f.runtime]
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
    solver.parameters.max_time_in_seconds = 10.0
    if solver.Solve(model) != cp_model.INFEASIBLE:
        return None
    core = set(solver.SufficientAssumptionsForInfeasibility())
    names = {v.Index(): k for k, v in use.items()} | {v.Index(): r for r, v in rule_lit.items()}
    return [names[i] for i in core if i in names]


def minimal_conflict(instance: Instance, pins: list[Screening]) -> tuple[list[Screening], list[str]] | None:
    """A minimal set of pins and rules that cannot hold together (deletion filter on a CP-SAT core)."""
    rules = {
        "compatibility",
        "window",
        "opening hours",
        "start step",
        "one screening at a time",
        "copies",
        "counts",
    }
    core = _pins_infeasible(instance, pins, rules)
    if core is None:
        return None
    keep_pins = [p for p in pins if p.key in set(core)]
    keep_rules = {c for c in core if isinstance(c, str)}
    for item in sorted(keep_pins) + sorted(keep_rules):
        trial_pins = [p for p in keep_pins if p is not item]
        trial_rules = keep_rules - {item} if isinstance(item, str) else keep_rules
        if _pins_infeasible(instance, trial_pins, trial_rules) is not None:
            keep_pins, keep_rules = trial_pins, trial_rules
    return sorted(keep_pins), sorted(keep_rules)


def pin_conflicts(instance: Instance, limit: int = 10) -> list[str]:
    """In words, each smallest set of pinned screenings and rules that cannot all hold."""
    from .data import format_time

    pins = sorted(instance.fixed)
    out = []
    while len(out) < limit:
        found = minimal_conflict(instance, pins)
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


def capacity_notes(instance: Instance) -> list[CapacityNote]:
    """One note per distinct group of compatible theaters, demand against open time."""
    seen = {}
    for f in instance.films:
        if (
            f.min_screenings > 0
            and len(instance.film_days(f))
            and any(instance.compatible(f, t) for t in instance.theaters)
        ):
            note = capacity_note(instance, f)
            seen.setdefault(note.group, note)
    return [seen[k] for k in sorted(seen)]


def explain_text(instance: Instance, screenings: list[Screening] | None = None) -> str:
    """The whole explanation as text: pin conflicts, capacity by theater group, and shortfall reasons."""
    from .validate import check_screenings

    lines = []
    if not check_screenings(instance, instance.fixed).valid:
        lines.append("Pinned screenings that cannot all hold:")
        lines += [f"  - {c}" for c in pin_conflicts(instance)]
    else:
        lines.append(
            f"Pinned screenings: {len(instance.fixed)}, all compatible with each other and the rules."
        )
    lines.append("Minimum screen time by theater group:")
    for note in capacity_notes(instance):
        flag = "SHORT" if note.needed > note.available else "ok"
        lines.append(f"  - [{flag}] {note.words()}")
    structural = [
        (f, reason)
        for f in instance.films
        if f.min_screenings > 0
        and not (reason := shortfall_reason(instance, f)).endswith("placed)")
        and "films need" not in reason
    ]
    if structural:
        lines.append("Films that cannot reach their minimum whatever the timetable:")
        lines += [f"  - {f.id} ({f.title}): {reason}" for f, reason in structural]
    if screenings is not None:
        found = shortfalls(instance, screenings)
        lines.append(f"Shortfalls in the given schedule: {len(found)}")
        lines += [f"  - {s.film}: {s.missing} missing: {s.reason}" for s in found]
    return "\n".join(lines)
