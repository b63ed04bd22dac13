"""The API tests use the programme tests' editions: the 2031 edition published with a private draft
after it, and the 2030 edition published (see tests/programme/conftest.py)."""

from tests.programme.conftest import past, published  # noqa: F401
from tests.schedule.conftest import draft, fest, request_context  # noqa: F401
