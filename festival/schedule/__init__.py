"""Solver runs, timetable drafts, manual edits, publishing and exports."""

from flask import Blueprint

bp = Blueprint("schedule", __name__, url_prefix="/staff/timetable")

from festival.schedule import routes, run_routes, tasks  # noqa: E402,F401  (views attach to bp; tasks register)
