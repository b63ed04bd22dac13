"""The whole explanation as text (``python -m scheduler explain``)."""

from __future__ import annotations

from ..check import check_screenings
from ..data import Instance, Screening
from ..first.tours import pins_on_tour
from .pins import pin_conflicts
from .shortfalls import Explainer, capacity_notes, shortfalls, unknown_references
from .tours import online_words, tour_words


def explain_text(instance: Instance, screenings: list[Screening] | None = None) -> str:
    """The whole explanation as text: pin conflicts, capacity by theater group, shortfall reasons and,
    for a given schedule, the screenings it names that the instance does not know."""
    explainer = Explainer(instance)
    lines = []
    pins = check_screenings(instance, pins_on_tour(instance))
    if not pins.valid:
        lines.append("Pinned screenings that cannot all hold:")
        # the smallest conflicts, else (prints' tours: rule 10) every rule the pins break
        conflicts = pin_conflicts(instance) or [f"{v.rule}: {v.message}" for v in pins.violations[:10]]
        lines += [f"  - {c}" for c in conflicts]
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
        touring = [f for f in instance.films if f.prints is not None]
        if touring:
            lines.append("Tours of the prints in the given schedule:")
            for f in touring:
                lines += [f"  - {f.id}: {words}" for words in tour_words(instance, f, screenings)]
        online = online_words(instance, screenings)
        if online:
            lines.append("Online channels:")
            lines += [f"  - {words}" for words in online]
    return "\n".join(lines)
