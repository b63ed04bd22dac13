"""Festival timetable engine: pure Python + OR-Tools CP-SAT (never imports flask or festival)."""

from .data import Film, Instance, Progress, Schedule, Screening, Shortfall, Theater, Venue
from .engine import solve
from .io import InstanceError, parse_instance, read_instance, schedule_to_json, write_schedule
from .validate import Report, Violation, check_json, check_screenings

__all__ = [
    "Film",
    "Instance",
    "InstanceError",
    "Progress",
    "Report",
    "Schedule",
    "Screening",
    "Shortfall",
    "Theater",
    "Venue",
    "Violation",
    "check_json",
    "check_screenings",
    "parse_instance",
    "read_instance",
    "schedule_to_json",
    "solve",
    "write_schedule",
]
