"""Explaining a timetable: why films fall short, which pins conflict, what a schedule names that the
instance does not know."""

from .capacity import Capacity, FilmUse, GroupCapacity, Supply, capacity, film_use
from .pins import minimal_conflict, pin_conflicts
from .shortfalls import (
    CapacityNote,
    Explainer,
    Why,
    capacity_note,
    capacity_notes,
    open_minutes,
    shortfall_reason,
    shortfalls,
    unknown_references,
)
from .text import explain_text
from .tours import Stay, online_words, stays, tour_words
from .why import Alternative, Loss, WhyHere, why_here

__all__ = [
    "Alternative",
    "Loss",
    "WhyHere",
    "why_here",
    "Capacity",
    "FilmUse",
    "GroupCapacity",
    "Supply",
    "capacity",
    "film_use",
    "CapacityNote",
    "Stay",
    "Why",
    "Explainer",
    "capacity_note",
    "capacity_notes",
    "explain_text",
    "minimal_conflict",
    "online_words",
    "open_minutes",
    "pin_conflicts",
    "shortfall_reason",
    "shortfalls",
    "stays",
    "tour_words",
    "unknown_references",
]
