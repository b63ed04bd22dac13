"""Solver runs, timetable drafts, manual edits, publishing and exports."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/staff/timetable")

from festival.schedule import routes  # noqa: E402,F401  (routes attach to bp)
