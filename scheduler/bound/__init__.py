"""Honest upper bounds of every valid timetable's objective: the capacity-free bound at once, and the LP
bound (by weak duality) of a linear model such as a component's exact model."""

import math


def floored(value: float) -> int:
    """A bound computed in floating point, floored after a tiny tolerance for the sums' rounding (the LP's
    weak-duality sums and the Lagrangian relaxation's values alike; no solver imported here, so the
    relaxation's child process stays light)."""
    return math.floor(value + 1e-9 * max(1.0, abs(value)) + 1e-6)
