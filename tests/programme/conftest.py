"""The programme tests reuse the timetable tests' edition, draft and request context."""

from tests.schedule.conftest import draft, fest, request_context  # noqa: F401
