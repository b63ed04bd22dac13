"""Events beyond films: forum sessions, talks, workshops, ceremonies (and the blocks that keep a theater
from films), their speakers and the visitors registered for them."""

from flask import Blueprint

bp = Blueprint("events", __name__, url_prefix="/staff/events")

from festival.events import routes  # noqa: E402,F401  (routes attach to bp)
