"""The only bridge between the database and the solver, in both directions, and the partial checks.

* ``ids``: films ``e<entry.id>``, theaters by code, times as the edition's wall-clock ``YYYY-MM-DDTHH:MM``;
* ``build``: rows -> the instance format (one writer per object) and a version as a schedule;
* ``read``: a schedule's screenings into a draft, a whole instance into an edition's rows;
* ``checks``: the solver's reader on a whole instance (``parse``) or on the one object a form is about
  (``venue_errors``, ``theater_errors``, ``film_errors``), with the validator on a version;
* ``words``: the reader's problem codes in the visitor's language, one message per code.

The rest of the app imports these names from here (``from festival.schedule import adapter``).
"""

from festival.schedule.adapter.build import (
    DEFAULT_MOVE_COST,
    accepted_entries,
    build_instance,
    current_draft,
    edition_venues,
    film_json,
    latest_published,
    move_cost,
    pin_source,
    schedule_json_of,
    screening_tie,
    screenings_to_schedule,
    theater_json,
    tie_start,
    venue_json,
)
from festival.schedule.adapter.checks import (
    InstanceBuildError,
    check_screenings_json,
    check_version,
    date_error,
    film_errors,
    instance_for,
    intervals_error,
    parse,
    read_instance_file,
    theater_errors,
    venue_errors,
    warnings_of,
)
from festival.schedule.adapter.ids import (
    aware_from_minute,
    aware_from_text,
    edition_theaters,
    entry_id_of,
    film_id,
    item_film_id,
    local_text,
    placed_events,
    programme_film_id,
    programme_id_of,
    theater_ids,
    theater_map,
)
from festival.schedule.adapter.read import (
    InstanceImportError,
    ScheduleMappingError,
    apply_schedule,
    check_importable,
    default_deadline,
    edition_values,
    import_instance,
    screenings_from_schedule,
)
from festival.schedule.adapter.words import in_words
from scheduler import WEEKDAYS  # the format's weekday keys, mon first

__all__ = [
    "DEFAULT_MOVE_COST",
    "WEEKDAYS",
    "InstanceBuildError",
    "InstanceImportError",
    "ScheduleMappingError",
    "accepted_entries",
    "apply_schedule",
    "aware_from_minute",
    "aware_from_text",
    "build_instance",
    "check_importable",
    "check_screenings_json",
    "check_version",
    "current_draft",
    "date_error",
    "default_deadline",
    "edition_theaters",
    "edition_values",
    "edition_venues",
    "entry_id_of",
    "film_errors",
    "film_id",
    "film_json",
    "item_film_id",
    "programme_film_id",
    "programme_id_of",
    "import_instance",
    "in_words",
    "instance_for",
    "intervals_error",
    "latest_published",
    "local_text",
    "move_cost",
    "placed_events",
    "parse",
    "pin_source",
    "read_instance_file",
    "schedule_json_of",
    "screening_tie",
    "screenings_from_schedule",
    "screenings_to_schedule",
    "theater_errors",
    "theater_ids",
    "theater_json",
    "tie_start",
    "theater_map",
    "venue_errors",
    "venue_json",
    "warnings_of",
]
