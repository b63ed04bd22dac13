"""Read and check the JSON formats of the spec; every problem is a value (path, code, params)."""

from .instance import (
    INSTANCE_FORMAT,
    check_closed_dates,
    check_film,
    check_intervals,
    check_special_hours,
    check_theater,
    check_venue,
    check_weekly_hours,
    no_theater_problem,
    parse_instance,
    read_instance,
)
from .problems import MESSAGES, FieldError, FormatError, InstanceError, Problem, ScheduleError
from .schedule import (
    SCHEDULE_FORMAT,
    read_json,
    read_screenings,
    schedule_from_json,
    schedule_to_json,
    write_schedule,
)
from .values import parse_clock, parse_date, parse_time

__all__ = [
    "INSTANCE_FORMAT",
    "MESSAGES",
    "SCHEDULE_FORMAT",
    "FieldError",
    "FormatError",
    "InstanceError",
    "Problem",
    "ScheduleError",
    "check_closed_dates",
    "check_film",
    "check_intervals",
    "check_special_hours",
    "check_theater",
    "check_venue",
    "check_weekly_hours",
    "no_theater_problem",
    "parse_clock",
    "parse_date",
    "parse_instance",
    "parse_time",
    "read_instance",
    "read_json",
    "read_screenings",
    "schedule_from_json",
    "schedule_to_json",
    "write_schedule",
]
