"""What no festival needs: the reader refuses values and sizes past these limits (each a problem naming
the field), so that no instance can make the solver's work or memory run away.

Each limit is far above the largest example instance (docs/scheduler.md: 600 films, 29 theaters, 61
days) and far below what would make a loop or a table of the solver unbounded; docs/scheduler.md lists
them.
"""

from __future__ import annotations

from datetime import date

MAX_DAYS = 366  # the screening window, first_day to last_day, both included
MAX_OBJECTS = 20_000  # films, theaters, venues (each list)
MAX_SCREENINGS = 200_000  # fixed, previous (each list)
MAX_ENTRIES = (
    10_000  # any other list or object: closed dates, special hours, unavailable blocks, date weights...
)
MAX_FEATURES = 100  # entries of a theater's formats and features, of a film's requires
MAX_ID_LENGTH = 100  # characters of an id
MAX_NAME_LENGTH = 500  # characters of a name or title
MAX_MINUTES = 1_440  # runtime, changeover, start step: a day (no screening crosses midnight)
MAX_SEATS = 100_000
MAX_COUNT = 10_000  # min_screenings, max_screenings, max_per_day, copies
MAX_POPULARITY = 1_000_000_000
MAX_WEIGHT = 1_000.0  # day, date and hour weights
MAX_PENALTY = 1_000_000_000  # shortfall_penalty, change_penalty: objectives stay exact in a double
MAX_PRINTS = 1_000  # version 2: a film's prints
MAX_WINDOW_MINUTES = 14 * 1_440  # version 2: an online channel's window (two weeks)
MAX_TRANSIT_DAYS = MAX_DAYS  # version 2: days between two cities
FIRST_DATE = date(1900, 1, 1)  # dates and times lie in these years, so every date a rule computes exists
LAST_DATE = date(2199, 12, 31)
