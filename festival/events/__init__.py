"""Events beyond films: forum sessions, talks, workshops, ceremonies (and the blocks that keep a theater
from films), their speakers and the visitors registered for them."""

from flask import Blueprint

# staff pages under /staff/events/, speakers' own pages under /speaking/
bp = Blueprint("events", __name__)

from festival.events import routes, speaker_routes  # noqa: E402,F401  (routes attach to bp)
